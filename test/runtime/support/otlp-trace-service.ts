/**
 * The OTLP/gRPC TraceService Export method as a raw-bytes gRPC service: the
 * test receiver decodes what it gets, the benchmark sink only counts it.
 */
import type * as grpc from '@grpc/grpc-js';

const identity = (buffer: Buffer) => buffer;

export const OTLP_TRACE_SERVICE: grpc.ServiceDefinition = {
  Export: {
    path: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
    requestStream: false,
    responseStream: false,
    requestSerialize: identity,
    requestDeserialize: identity,
    // An empty ExportTraceServiceResponse: full success.
    responseSerialize: () => Buffer.alloc(0),
    responseDeserialize: identity,
    originalName: 'export',
  },
};
