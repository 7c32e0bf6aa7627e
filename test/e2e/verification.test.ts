/**
 * Real-name verification in the H5 build, in a phone-sized Chromium with touch and a fake front camera that
 * plays real face video (../shared/data/faces, never copied into the repo; the test skips without it):
 * the applicant registers identity data, uploads the ID card photos, gives the separate face-data consent,
 * performs the camera check (prompts + MediaRecorder upload), sees 人脸识别核验通过, and can then start an
 * application. A second test shows a still photo to the camera and expects the hints and 重新检测; opening
 * the verification again, the consent already given is not asked for a second time.
 *
 * The camera check follows the server's schedule (random prompt times, sometimes a second blink), so a looped
 * clip cannot pass it any more (a mouth opening where no prompt asked for it is refused). The first test's
 * camera is therefore a simulated applicant: an init script replaces getUserMedia with a canvas stream that
 * shows neutral d18 frames (10-55, looped) and, REACTION_MS after the page shows a prompt (it watches the
 * prompt the person reads, data-testid face-prompt and its sub-line), plays that action once: d18 86-112 for a
 * blink (the deep eye closure at 94, 0.54-0.60 below the open-eye level; played at half speed, see PERSON_CLIPS) or 105-165 for a mouth opening
 * (held wide open 117-154, ~1.2 s), then returns to the neutral frames. The clips are VP8 WebM made with
 * ffmpeg into a temp dir and handed to the page as blob URLs; nothing is copied into the repo. The clip is
 * one man throughout, and the ID photo is a frame of the same clip (frameJpeg(d18, 1.0)). The second test's
 * canvas camera shows only the ID photo, which never reacts. (Chromium's own fake camera,
 * --use-file-for-fake-video-capture, stamps frames by its file's frame rate: on a loaded machine it fell
 * behind the clock and its clips came out 0.8-1.3 s shorter than recorded, which the schedule refuses.)
 *
 * Needs the H5 build (built when miniapp/dist/h5 is missing; rebuild after changing the app), /usr/bin/chromium
 * and the ffmpeg binary from @ffmpeg-installer. Screenshots: test-results/screenshots/verify-NN-name.png.
 */
import test, { type ExecutionContext } from 'ava';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { idNumberCheckDigit } from '@zhiyetong/shared';
import { startTestServer, type TestServer } from '../../bff/test/helpers/server.js';
import { FACES_MISSING, facesAvailable, frameJpeg, video } from '../../bff/test/helpers/faces.js';
import { acceptPrivacy, cameraArgs, CHROMIUM, el, failureLog, FFMPEG, fill, h5Dir, login, newPhone, prepareBrowserTest, screenshots, text } from './helpers.js';

const pid4 = String(process.pid % 10000).padStart(4, '0');
const idFor = (first17: string) => first17 + idNumberCheckDigit(first17);

/**
 * d18 frames (30 fps) the simulated applicant shows: neutral (looped), one blink, one held mouth opening. The
 * blink plays at half speed (`slow: 2`): d18's lids are shut for only a frame or two, which a browser painting
 * its canvas on a loaded machine can drop (the fresh-clone CI of 1 December late night, load 9: the blink's
 * peak drop 0.13, action_missing); at half speed they stay shut about 130 ms, within a real blink's 100-400 ms.
 */
const PERSON_CLIPS: Record<string, { start: number; end: number; slow?: number }> = { neutral: { start: 10, end: 55 }, blink: { start: 86, end: 112, slow: 2 }, open_mouth: { start: 105, end: 165 } };
/** How long the simulated applicant takes to react to a prompt (ms; a person: 0.3-0.6 s; the server needs >= 150 ms). */
const REACTION_MS = 350;

const screenshot = screenshots('verify-', { a11y: true });

/** Logs in, accepts the privacy guide and registers the identity data; ends on the identity page. */
async function applicantWithIdentity(page: Page, server: TestServer, phone: string, name: string, idNumber: string) {
  await login(page, server, phone);
  await acceptPrivacy(page);
  await el(page, 'new-application').waitFor();
  await page.goto(`${server.baseUrl}/applicant/pages/identity/index`);
  await fill(page, 'identity-name', name);
  await fill(page, 'identity-id', idNumber);
  await el(page, 'identity-submit').tap();
  await el(page, 'identity-view').waitFor();
}

/** Uploads the three ID photos on the verify page's first step and gives the face-data consent. */
async function documentsAndConsent(page: Page, photos: Photos, shots: boolean) {
  await el(page, 'photo-id_front').waitFor();
  if (shots) await screenshot(page, 'documents-empty');
  const upload = async (kind: string, buffer: Buffer) => {
    const done = page.waitForResponse((r) => r.url().includes(`/api/identity/documents/${kind}`) && r.request().method() === 'PUT');
    await page.locator(`[data-testid="photo-input-${kind}"]`).setInputFiles({ name: `${kind}.jpg`, mimeType: 'image/jpeg', buffer });
    const res = await done;
    if (res.status() !== 204) throw new Error(`upload ${kind}: ${res.status()} ${await res.text()}`);
    await page.locator(`[data-testid="photo-${kind}"].photo-slot--done`).filter({ visible: true }).first().waitFor();
  };
  await upload('id_front', photos.front);
  await upload('id_back', photos.back);
  await upload('holding_id', photos.holding);
  if (shots) await screenshot(page, 'documents-uploaded');
  await el(page, 'docs-next').tap();
  await el(page, 'face-consent').waitFor();
  if (shots) await screenshot(page, 'face-consent');
  await el(page, 'face-consent-agree').tap();
  await el(page, 'face-consent-submit').tap();
  await cameraReady(page);
}

/** The camera step: the preview is playing and the start button is enabled. */
async function cameraReady(page: Page) {
  await el(page, 'liveness-start').waitFor();
  await page.waitForFunction(() => {
    const v = Array.from(document.querySelectorAll('video[data-testid="face-video"]')).find((x) => (x as HTMLElement).offsetParent) as HTMLVideoElement | undefined;
    return !!v && v.readyState >= 2 && v.videoWidth > 0;
  });
  await page.locator('[data-testid="liveness-start"]:not(.nut-button-disabled)').filter({ visible: true }).first().waitFor();
}

/** Taps 开始检测, screenshots the prompts, and returns the session's actions and the verdict. */
async function performCheck(t: ExecutionContext, page: Page, shots: boolean) {
  const sessionRes = page.waitForResponse((r) => r.url().endsWith('/api/identity/liveness-sessions') && r.request().method() === 'POST');
  const verdictRes = page.waitForResponse((r) => /\/api\/identity\/liveness-sessions\/[^/]+\/video$/.test(r.url()), { timeout: 180_000 });
  await el(page, 'liveness-start').tap();
  const session = await (await sessionRes).json();
  const actions = session.actions.map((a: { action: string }) => a.action) as string[];
  t.log('session schedule:', JSON.stringify(session.actions.map((a: { action: string; atMs: number }) => [a.action, a.atMs])), 'durationMs', session.durationMs);
  if (shots) {
    // each prompt as the person sees it, shortly after it appeared at its scheduled time
    for (const [i, a] of session.actions.slice(0, 2).entries()) {
      await page.locator('[data-testid="face-prompt"]', { hasText: a.prompt }).filter({ visible: true }).first().waitFor({ timeout: 20_000 });
      if (i === 1 && a.prompt === session.actions[0].prompt) await page.waitForTimeout(session.actions[1].atMs - session.actions[0].atMs);
      await page.waitForTimeout(700);
      await screenshot(page, `prompt-${i + 1}-${a.action}`, 0);
    }
  }
  const res = await verdictRes;
  const verdict = await res.json();
  t.log('verdict:', res.status(), JSON.stringify(verdict));
  await el(page, 'liveness-result').waitFor();
  return { actions, verdict, status: res.status() };
}

async function meOf(page: Page, baseUrl: string) {
  return page.evaluate(async (base) => {
    const raw = localStorage.getItem('zyt:session');
    const parsed = raw ? JSON.parse(raw) : null;
    const s = parsed?.data ?? parsed;
    const res = await fetch(`${base}/api/me`, { headers: { Authorization: `Bearer ${s.accessToken}` } });
    return res.json();
  }, baseUrl);
}

interface Photos {
  front: Buffer;
  back: Buffer;
  holding: Buffer;
}

/**
 * One browser test with the fake camera: skips (passing) without the face data; otherwise writes the
 * camera's y4m with `camera(work, photos)`, starts the server and a Chromium playing it, and runs `steps`
 * on a new phone; on a failure, logs the last page; always closes and cleans up.
 */
async function withFakeCamera(t: ExecutionContext, camera: (work: string, photos: Photos) => Promise<string>, steps: (page: Page, server: TestServer, photos: Photos) => Promise<void>, person?: (work: string) => Promise<Record<string, string>>) {
  t.timeout(8 * 60_000);
  if (!facesAvailable) {
    t.log(FACES_MISSING);
    return t.pass();
  }
  await prepareBrowserTest();
  const work = await mkdtemp(path.join(tmpdir(), 'zyt-verify-'));
  const photos = {
    front: await frameJpeg(video('d18'), 1.0),
    back: await frameJpeg(video('d0'), 0.5), // any JPEG: the back is stored, not compared
    holding: await frameJpeg(video('d18'), 0.3),
  };
  const y4m = await camera(work, photos);
  const clips = person ? await person(work) : null;

  const server = await startTestServer({ H5_DIR: h5Dir });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: cameraArgs(y4m) });
  try {
    const { context, page } = await newPhone(browser, { cameraOrigin: server.baseUrl });
    if (clips) await page.addInitScript({ content: SIMULATED_APPLICANT.replace('__ARGS__', JSON.stringify({ clips, reactionMs: REACTION_MS })) });
    await steps(page, server, photos);
    await context.close();
  } catch (error) {
    await failureLog(t, 'verify-failure');
    throw error;
  } finally {
    await browser.close().catch(() => undefined);
    await server.stop();
    await rm(work, { recursive: true, force: true });
  }
}

/** The simulated applicant's clips as VP8 WebM, base64 (see the header), and a neutral y4m for Chromium's own fake camera. */
async function personClips(work: string) {
  const out: Record<string, string> = {};
  for (const [name, seg] of Object.entries(PERSON_CLIPS)) {
    const file = path.join(work, `${name}.webm`);
    execFileSync(FFMPEG, ['-y', '-loglevel', 'error', '-ss', (seg.start / 30).toFixed(3), '-t', ((seg.end - seg.start) / 30).toFixed(3), '-i', video('d18'),
      '-vf', `${seg.slow ? `setpts=${seg.slow}*PTS,` : ''}fps=30,scale=-2:480,pad=640:480:(ow-iw)/2:0:0x808080,setsar=1`, '-an', '-c:v', 'libvpx', '-b:v', '2M', '-deadline', 'good', '-f', 'webm', file]);
    out[name] = (await readFile(file)).toString('base64');
  }
  return out;
}

/**
 * Runs in the page before the app: getUserMedia answers a 320x240 canvas stream (what the server analyses;
 * a quarter of 640x480's encoding work for a browser sharing two cores) painted every 33 ms from the
 * current clip; a prompt that asks for an action (a new title or sub-line under data-testid face-prompt)
 * starts that clip `reactionMs` later, and the neutral loop resumes when it ends. Plain JavaScript in a
 * string (a function would be serialised with the TypeScript loader's helpers, which the page lacks).
 */
const SIMULATED_APPLICANT = `(() => {
  const { clips, reactionMs } = __ARGS__;
  const urlOf = (b64) => URL.createObjectURL(new Blob([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], { type: 'video/webm' }));
  window.__performed = [];
  navigator.mediaDevices.getUserMedia = async () => {
    const vids = {};
    for (const [name, b64] of Object.entries(clips)) {
      const v = document.createElement('video');
      v.muted = true;
      v.playsInline = true;
      v.loop = name === 'neutral';
      v.src = urlOf(b64);
      await new Promise((r) => { v.oncanplaythrough = r; v.load(); });
      vids[name] = v;
    }
    let cur = vids.neutral;
    await cur.play();
    const canvas = document.createElement('canvas');
    canvas.width = 320;
    canvas.height = 240;
    const g = canvas.getContext('2d');
    setInterval(() => g.drawImage(cur, 0, 0, 320, 240), 33);
    const perform = (action) => {
      const v = vids[action];
      if (!v) return; // a photo does not react
      v.currentTime = 0;
      v.onended = () => { cur = vids.neutral; };
      v.play().then(() => { cur = v; window.__performed.push({ action, at: Date.now() }); });
    };
    let lastKey = '';
    setInterval(() => {
      const prompt = document.querySelector('[data-testid="face-prompt"]');
      const title = prompt ? prompt.textContent : '';
      const sub = prompt && prompt.nextElementSibling ? prompt.nextElementSibling.textContent : '';
      const key = title + '|' + sub;
      if (key === lastKey) return;
      lastKey = key;
      const action = title.includes('眨眼') ? 'blink' : title.includes('张大嘴巴') ? 'open_mouth' : null;
      if (action) setTimeout(() => perform(action), reactionMs);
    }, 10);
    return canvas.captureStream(30);
  };
})();`;

/** A neutral picture for Chromium's fake camera device (the init script's stream replaces it). */
async function neutralY4m(work: string) {
  const y4m = path.join(work, 'neutral.y4m');
  execFileSync(FFMPEG, ['-y', '-loglevel', 'error', '-ss', '0.5', '-t', '1', '-i', video('d18'), '-vf', 'scale=-2:480,pad=640:480:(ow-iw)/2:0:0x808080,format=yuv420p', '-r', '30', '-f', 'yuv4mpegpipe', y4m]);
  return y4m;
}

/** The ID card front photo held in front of the camera: the same canvas camera, showing only the photo (it never reacts). */
async function stillPhotoClip(work: string) {
  const still = path.join(work, 'still.jpg');
  await writeFile(still, await frameJpeg(video('d18'), 1.0));
  const file = path.join(work, 'still.webm');
  execFileSync(FFMPEG, ['-y', '-loglevel', 'error', '-loop', '1', '-i', still, '-t', '2', '-r', '30', '-vf', 'scale=-2:480,pad=640:480:(ow-iw)/2:0:0x808080,format=yuv420p', '-c:v', 'libvpx', '-b:v', '1M', '-f', 'webm', file]);
  return { neutral: (await readFile(file)).toString('base64') };
}

test.serial('real-name verification in H5: ID photos, face consent, camera check with a fake camera, then apply', async (t) => {
  await withFakeCamera(t, neutralY4m, async (page, server, photos) => {
    const base = server.baseUrl;
    await applicantWithIdentity(page, server, `137${pid4}0001`, '李志明', idFor('43010219880512341'));

    // unverified: the new-application types are disabled and say why; the reason leads to the verification
    await page.goto(`${base}/applicant/pages/new/index`);
    await el(page, 'type-constructor-initial').waitFor();
    t.is(await el(page, 'type-constructor-initial').getAttribute('aria-disabled'), 'true');
    await screenshot(page, 'new-application-unverified');
    await el(page, 'type-constructor-initial').tap();

    await documentsAndConsent(page, photos, true);
    await screenshot(page, 'camera-ready');
    const { verdict, actions } = await performCheck(t, page, true);
    t.true(verdict.passed, JSON.stringify(verdict.reasons));
    // the server found each action in its own prompt's window, in the session's order
    t.deepEqual(verdict.scores.actions.map((a: { action: string }) => a.action), actions);
    t.true(verdict.scores.actions.every((a: { detected: boolean }) => a.detected));
    t.is((await el(page, 'liveness-result-title').textContent())?.trim(), '人脸识别核验通过');
    await screenshot(page, 'result-passed');

    const me = await meOf(page, base);
    t.is(me.identity.verificationMethod, 'liveness');
    t.truthy(me.identity.verifiedAt);

    await el(page, 'verify-go-apply').tap();
    await el(page, 'type-constructor-initial').waitFor();
    await page.waitForFunction(() => Array.from(document.querySelectorAll('[data-testid="type-constructor-initial"]')).some((e) => (e as HTMLElement).offsetParent && e.getAttribute('aria-disabled') === 'false'));
    await screenshot(page, 'new-application-verified');

    await page.goto(`${base}/pages/mine/index`);
    await text(page, '已核验').waitFor();
    await page.getByText(/人脸识别核验/).filter({ visible: true }).first().waitFor();
    await screenshot(page, 'mine-verified');
  }, personClips);
});

test.serial('real-name verification in H5: a still photo in front of the camera fails with hints and 重新检测; the consent is not asked again', async (t) => {
  await withFakeCamera(t, neutralY4m, async (page, server, photos) => {
    const base = server.baseUrl;
    let consentsPosted = 0;
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().endsWith('/api/identity/face-consents')) consentsPosted++;
    });
    await applicantWithIdentity(page, server, `137${pid4}0002`, '王海', idFor('43010219900101221'));
    await el(page, 'identity-verify').tap();
    await documentsAndConsent(page, photos, false);
    const { verdict } = await performCheck(t, page, false);
    t.false(verdict.passed);
    t.true(verdict.reasons.some((r: { code: string }) => r.code === 'static_image' || r.code === 'action_missing'));
    const hints = (await el(page, 'liveness-hints').textContent()) ?? '';
    for (const r of verdict.reasons) t.true(hints.includes(r.hint), r.hint);
    t.is((await el(page, 'liveness-result-title').textContent())?.trim(), '未通过核验');
    t.regex((await el(page, 'in-person-note').textContent()) ?? '', /无法完成人脸识别？可携带身份证到注册机构现场核验/);
    await screenshot(page, 'result-failed');

    // 重新检测: back to the camera; the next start creates a new session
    await el(page, 'liveness-retry').tap();
    await el(page, 'liveness-start').waitFor();
    await page.locator('[data-testid="liveness-start"]:not(.nut-button-disabled)').filter({ visible: true }).first().waitFor();
    const me = await meOf(page, base);
    t.is(me.identity.verifiedAt, null);
    t.like(me.faceConsent, { current: true });

    // coming back later: the photos are there and the consent was given, so 下一步 goes straight to the camera
    await page.goto(`${base}/applicant/pages/verify/index`);
    await page.locator('[data-testid="photo-holding_id"].photo-slot--done').filter({ visible: true }).first().waitFor();
    await el(page, 'docs-next').tap();
    await cameraReady(page);
    t.false(await el(page, 'face-consent').isVisible(), 'the consent step is skipped');
    await el(page, 'face-consent-given').waitFor();
    await el(page, 'face-consent-rules').tap(); // the rules can still be read
    await text(page, '如何保存').waitFor();
    await screenshot(page, 'second-visit-consent-given');
    t.is(consentsPosted, 1);
  }, stillPhotoClip);
});
