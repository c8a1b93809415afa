/**
 * OpenTelemetry tracing as a comparison point: the http, express and pg instrumentations with a
 * SimpleSpanProcessor into an in-memory exporter (nothing leaves the process), emptied as it
 * fills so its memory stays flat. It records no call sites, so it does less than the toolbar.
 * Must run before express and pg are required: the instrumentations patch them as they load.
 */
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';

export function startTracing(): void {
  const exporter = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  provider.register();
  registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [new HttpInstrumentation(), new ExpressInstrumentation(), new PgInstrumentation()],
  });
  setInterval(() => exporter.reset(), 1000).unref();
}
