/** Real-name verification by camera liveness and face matching: see issue "Real-name verification" (not built yet). */
import type { Deps } from '../context.js';
import type { ApiRouter } from '../http/api-router.js';

export function identityRoutes(_api: ApiRouter, _deps: Deps) {}
