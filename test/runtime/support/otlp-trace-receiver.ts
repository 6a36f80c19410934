/**
 * A real OTLP/gRPC trace receiver on loopback: a grpc-js server implementing
 * opentelemetry.proto.collector.trace.v1.TraceService/Export that decodes
 * the protobuf requests the services' exporter sends. The message subset
 * below uses the field numbers of the OTLP specification; fields it does not
 * name are skipped by the decoder.
 */
import * as grpc from '@grpc/grpc-js';
import * as protobuf from 'protobufjs';
import { OTLP_TRACE_SERVICE } from './otlp-trace-service';

const OTLP_TRACE_SUBSET = `syntax = "proto3"; package otlp;
message AnyValue { oneof value { string string_value = 1; bool bool_value = 2; int64 int_value = 3; double double_value = 4;
  ArrayValue array_value = 5; KeyValueList kvlist_value = 6; bytes bytes_value = 7; } }
message ArrayValue { repeated AnyValue values = 1; }
message KeyValueList { repeated KeyValue values = 1; }
message KeyValue { string key = 1; AnyValue value = 2; }
message Resource { repeated KeyValue attributes = 1; }
message InstrumentationScope { string name = 1; string version = 2; }
message Status { string message = 2; int32 code = 3; }
message Event { fixed64 time_unix_nano = 1; string name = 2; repeated KeyValue attributes = 3; }
message Link { bytes trace_id = 1; bytes span_id = 2; repeated KeyValue attributes = 4; }
message Span { bytes trace_id = 1; bytes span_id = 2; string trace_state = 3; bytes parent_span_id = 4; string name = 5;
  int32 kind = 6; fixed64 start_time_unix_nano = 7; fixed64 end_time_unix_nano = 8; repeated KeyValue attributes = 9;
  repeated Event events = 11; repeated Link links = 13; Status status = 15; fixed32 flags = 16; }
message ScopeSpans { InstrumentationScope scope = 1; repeated Span spans = 2; }
message ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; }
message ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }`;

const ExportRequest = protobuf.parse(OTLP_TRACE_SUBSET, { keepCase: true }).root.lookupType('otlp.ExportTraceServiceRequest');

/** OTLP span kinds on the wire (the API's SpanKind + 1). */
export const WIRE_KIND = { internal: 1, server: 2, client: 3, producer: 4, consumer: 5 } as const;
export const STATUS_ERROR = 2;

export type AttributeValue = string | number | boolean | AttributeValue[] | { [key: string]: AttributeValue } | undefined;
type Attributes = Record<string, AttributeValue>;

export interface ReceivedSpan {
  readonly traceId: string;
  readonly spanId: string;
  /** undefined for a root span. */
  readonly parentSpanId: string | undefined;
  readonly name: string;
  readonly kind: number;
  readonly flags: number;
  readonly scope: string | undefined;
  readonly resource: Attributes;
  readonly attributes: Attributes;
  readonly status: { readonly code: number; readonly message: string | undefined };
  readonly events: { readonly name: string; readonly attributes: Attributes }[];
}

interface WireKeyValue {
  key: string;
  value?: Record<string, unknown>;
}

function anyValue(value: Record<string, unknown> | undefined): AttributeValue {
  if (!value) return undefined;
  if ('string_value' in value) return value.string_value as string;
  if ('bool_value' in value) return value.bool_value as boolean;
  if ('int_value' in value) return Number(value.int_value);
  if ('double_value' in value) return value.double_value as number;
  if ('array_value' in value) return ((value.array_value as { values?: Record<string, unknown>[] }).values ?? []).map(anyValue);
  if ('kvlist_value' in value) return attributes((value.kvlist_value as { values?: WireKeyValue[] }).values);
  if ('bytes_value' in value) return Buffer.from(value.bytes_value as Uint8Array).toString('hex');
  return undefined;
}

function attributes(list: WireKeyValue[] = []): Attributes {
  return Object.fromEntries(list.map((kv) => [kv.key, anyValue(kv.value)]));
}

const hex = (bytes?: Uint8Array) => (bytes && bytes.length > 0 ? Buffer.from(bytes).toString('hex') : undefined);

/** Decodes one ExportTraceServiceRequest. */
export function decodeExportRequest(buffer: Buffer): ReceivedSpan[] {
  // protobufjs' toObject output is untyped; the shapes are those of the subset above.
  const message = ExportRequest.toObject(ExportRequest.decode(buffer), { longs: String, defaults: false }) as any;
  const spans: ReceivedSpan[] = [];
  for (const resourceSpans of message.resource_spans ?? []) {
    const resource = attributes(resourceSpans.resource?.attributes);
    for (const scopeSpans of resourceSpans.scope_spans ?? []) {
      for (const span of scopeSpans.spans ?? []) {
        spans.push({
          traceId: hex(span.trace_id)!,
          spanId: hex(span.span_id)!,
          parentSpanId: hex(span.parent_span_id),
          name: span.name,
          kind: span.kind ?? 0,
          flags: span.flags ?? 0,
          scope: scopeSpans.scope?.name,
          resource,
          attributes: attributes(span.attributes),
          status: { code: span.status?.code ?? 0, message: span.status?.message },
          events: (span.events ?? []).map((e: { name: string; attributes?: WireKeyValue[] }) => ({ name: e.name, attributes: attributes(e.attributes) })),
        });
      }
    }
  }
  return spans;
}


export interface OtlpTraceReceiver {
  /** host:port, as TRACING_ENDPOINT takes it. */
  readonly endpoint: string;
  readonly spans: ReceivedSpan[];
  /** Raw request bodies, for "this string appears nowhere" assertions. */
  readonly rawRequests: Buffer[];
  close(): Promise<void>;
}

export async function startOtlpTraceReceiver(): Promise<OtlpTraceReceiver> {
  const spans: ReceivedSpan[] = [];
  const rawRequests: Buffer[] = [];
  const server = new grpc.Server();
  server.addService(OTLP_TRACE_SERVICE, {
    Export(call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) {
      try {
        rawRequests.push(call.request);
        spans.push(...decodeExportRequest(call.request));
        callback(null, Buffer.alloc(0));
      } catch (error) {
        callback({ code: grpc.status.INVALID_ARGUMENT, details: String(error) });
      }
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  return {
    endpoint: `127.0.0.1:${port}`,
    spans,
    rawRequests,
    close: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())).then(() => undefined),
  };
}
