import test from 'ava';
import { PDFDocument } from 'pdf-lib';
import { embedCjkFont } from '../../src/pdf/font.js';
import { inkRatio, pdfText, renderPagePng } from './helpers.js';

// Characters of the form and the certificate, plus digits/Latin. Without the even-length glyph
// padding in font.ts, many of these render blank (the subset's short loca table is off by one).
const SAMPLE = '二级建造师初始注册申请表受理编号聘用企业统一社会信用代码继续教育必修选修学时声明签字盖章有效期至发证日期扫描维码查询上海市住房和城乡管理委员会张三丰男女W0123456789：（）';

test('every glyph of the embedded subset renders with system fonts hidden', async (t) => {
  const doc = await PDFDocument.create();
  const font = await embedCjkFont(doc);
  const page = doc.addPage([600, 400]);
  const cell = 40;
  const chars = [...SAMPLE];
  const rects: [number, number, number, number][] = [];
  chars.forEach((ch, i) => {
    const x = 10 + (i % 14) * cell;
    const y = 400 - 10 - (Math.floor(i / 14) + 1) * cell;
    page.drawText(ch, { x: x + 6, y: y + 8, size: 28, font });
    rects.push([x, y, x + cell, y + cell]);
  });
  const pdf = await doc.save({ useObjectStreams: false });
  t.true(pdf.length < 60_000, `subset size ${pdf.length}`);
  const png = await renderPagePng(pdf, 1, 72);
  const blank = chars.filter((_, i) => inkRatio(png, rects[i], 400, 72) < 0.01);
  t.deepEqual(blank, [], `glyphs rendered blank: ${blank.join('')}`);
  t.is((await pdfText(pdf)).replace(/\s+/g, ''), SAMPLE);
});
