/** The relay callback: a province's own back office reports its acceptance and decisions (issue 11, domain/relay.ts). */
import type { Deps } from '../context.js';
import type { ApiRouter } from '../http/api-router.js';
import { applyRelayCallback } from '../domain/relay.js';
import * as views from '@zhiyetong/shared';

export function relayRoutes(api: ApiRouter, deps: Deps) {
  api.post(
    '/api/relay/callbacks',
    {
      tag: 'relay',
      summary: '省级审批系统回调 (issue 11): the back office reports a decision; signed like the relay messages (X-Relay-Timestamp, X-Relay-Signature: v1=HMAC-SHA256(RELAY_HMAC_KEY, `${timestamp}.${body}`))',
      description:
        'Body: {acceptanceNo, decisionId, stage: acceptance|first_review|second_review|approval, outcome: pass|fail, reason? (required for fail)}. ' +
        'The decision is applied as a reviewer\'s would be (same stages, notifications, certificate at approval); each decisionId once. ' +
        '200 {duplicate, status}; 401 relay_signature_invalid (wrong signature or a timestamp outside RELAY_CALLBACK_TOLERANCE_SECONDS; audited); ' +
        '404 when RELAY_URL is not set or no relayed application has that acceptance number; 409 review_stage_mismatch; 422 validation_failed.',
      responses: { 200: views.relayCallbackResultSchema, 401: 'relay_signature_invalid', 404: 'not_found', 409: 'review_stage_mismatch', 422: 'validation_failed' },
      requestHeaders: { 'X-Relay-Timestamp': 'Unix seconds when the back office signed the call', 'X-Relay-Signature': 'v1=<hex HMAC-SHA256(RELAY_HMAC_KEY, `${timestamp}.${body}`)>' },
    },
    async (ctx) => {
      const raw = (ctx.request as unknown as { rawBody?: string }).rawBody ?? '';
      ctx.body = await applyRelayCallback(deps, raw, { timestamp: ctx.get('x-relay-timestamp') || undefined, signature: ctx.get('x-relay-signature') || undefined }, ctx.ip);
    },
  );
}
