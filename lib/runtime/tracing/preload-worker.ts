/** bin/worker.ts's first import: tracing (when enabled) before anything it instruments. */
import { preloadTracing } from './preload';

preloadTracing('worker');
