/**
 * The root sampler of the services' SDK: a root span started under
 * SAMPLED_ROOT (root-sampling.ts; the API's request spans) was already
 * decided and is sampled; any other root falls back to TraceIdRatio.
 * Wrapped in ParentBased, so spans with a parent follow the parent.
 */
import type { Attributes, Context, Link, SpanKind } from '@opentelemetry/api';
import { ParentBasedSampler, type Sampler, SamplingDecision, type SamplingResult, TraceIdRatioBasedSampler } from '@opentelemetry/sdk-trace-node';
import { SAMPLED_ROOT_KEY } from './root-sampling';

const SAMPLED: SamplingResult = { decision: SamplingDecision.RECORD_AND_SAMPLED };

export class CallerDecidedSampler implements Sampler {
  constructor(private readonly fallback: Sampler) {}

  shouldSample(context: Context, traceId: string, spanName: string, spanKind: SpanKind, attributes: Attributes, links: Link[]): SamplingResult {
    return context.getValue(SAMPLED_ROOT_KEY) === true ? SAMPLED : this.fallback.shouldSample(context, traceId, spanName, spanKind, attributes, links);
  }

  toString(): string {
    return `CallerDecidedSampler{${this.fallback.toString()}}`;
  }
}

/**
 * The services' sampler: ParentBased(CallerDecided(TraceIdRatio(rate))). ParentBased's defaults never record a
 * descendant of an unsampled parent; withSpan relies on it (spans.ts).
 */
export function serviceSampler(rate: number): Sampler {
  return new ParentBasedSampler({ root: new CallerDecidedSampler(new TraceIdRatioBasedSampler(rate)) });
}
