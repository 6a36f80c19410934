/**
 * The services' sampler, ParentBased(CallerDecided(TraceIdRatio)): a root
 * started under SAMPLED_ROOT is sampled whatever the ratio; other roots
 * follow the ratio; a span with a parent follows its parent, key or not.
 */
import { ROOT_CONTEXT, SpanKind, TraceFlags, trace } from '@opentelemetry/api';
import { SamplingDecision } from '@opentelemetry/sdk-trace-node';
import { serviceSampler } from '../../../lib/runtime/tracing/caller-decided-sampler';
import { SAMPLED_ROOT, SAMPLED_ROOT_KEY } from '../../../lib/runtime/tracing/root-sampling';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

function decide(rate: number, context = ROOT_CONTEXT): SamplingDecision {
  return serviceSampler(rate).shouldSample(context, TRACE_ID, 'request', SpanKind.SERVER, {}, []).decision;
}

it('samples a root the caller decided to sample, even at rate 0', () => {
  expect(decide(0, SAMPLED_ROOT)).toBe(SamplingDecision.RECORD_AND_SAMPLED);
});

it('leaves any other root to the ratio', () => {
  expect(decide(0)).toBe(SamplingDecision.NOT_RECORD);
  expect(decide(1)).toBe(SamplingDecision.RECORD_AND_SAMPLED);
});

it('follows an unsampled parent even when the context also carries the key', () => {
  const parent = trace.setSpanContext(ROOT_CONTEXT, { traceId: TRACE_ID, spanId: '00f067aa0ba902b7', traceFlags: TraceFlags.NONE });
  expect(decide(1, parent.setValue(SAMPLED_ROOT_KEY, true))).toBe(SamplingDecision.NOT_RECORD);
});
