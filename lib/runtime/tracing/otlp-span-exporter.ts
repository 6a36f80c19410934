/**
 * The OTLP/gRPC span exporter: upstream's (OTLPTraceExporter, built the way
 * @opentelemetry/exporter-trace-otlp-grpc builds it: its gRPC transport,
 * retries, timeouts and export metrics), with the request bytes written by
 * otlp-span-serializer.ts, which writes the same bytes for fewer
 * instructions.
 */
import { OTLPExporterBase } from '@opentelemetry/otlp-exporter-base';
import { convertLegacyOtlpGrpcOptions, createOtlpGrpcExportDelegate } from '@opentelemetry/otlp-grpc-exporter-base';
import { TraceExporterMetricsHelper } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-node';
import { SPAN_SERIALIZER } from './otlp-span-serializer';

/** `url`: the collector's address with its scheme (exporterUrl in tracing-sdk.ts). */
export function createSpanExporter(url: string): SpanExporter {
  return new OTLPExporterBase<ReadableSpan[]>(
    createOtlpGrpcExportDelegate(
      convertLegacyOtlpGrpcOptions({ url }, 'TRACES'),
      SPAN_SERIALIZER,
      'otlp_grpc_span_exporter',
      TraceExporterMetricsHelper,
      undefined,
      'TraceExportService',
      '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
    ),
  );
}
