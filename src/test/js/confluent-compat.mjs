// Cross-client check driven by ConfluentJsCompatibilityIT: Confluent's official JavaScript Avro
// serde (@confluentinc/schemaregistry) and a pure-JS Kafka client (kafkajs) against NeuroStream's
// embedded broker and schema registry.
//
//   node confluent-compat.mjs --bootstrap localhost:9092 --registry http://localhost:8081 \
//     --schema-file ScanEvent.avsc --produce-topic t1 --produce-count 5 \
//     --consume-topic t2 --consume-count 5 [--timeout-ms 90000]
//
// Produces --produce-count ScanEvent records to --produce-topic, serialized by AvroSerializer, and
// consumes --consume-count records that Java wrote to --consume-topic, deserialized by
// AvroDeserializer. Stdout carries one JSON object per line (events "registered", "produced",
// "consumed", "done"); logs go to stderr. Bytes fields are printed as {"$bytes": "<base64>"}.

import { Kafka, logLevel, Partitioners } from 'kafkajs';
import {
  AvroDeserializer,
  AvroSerializer,
  SchemaRegistryClient,
  SerdeType,
} from '@confluentinc/schemaregistry';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: {
    bootstrap: { type: 'string' },
    registry: { type: 'string' },
    'schema-file': { type: 'string' },
    'produce-topic': { type: 'string' },
    'produce-count': { type: 'string', default: '0' },
    'consume-topic': { type: 'string' },
    'consume-count': { type: 'string', default: '0' },
    'timeout-ms': { type: 'string', default: '90000' },
  },
});
for (const required of ['bootstrap', 'registry', 'schema-file']) {
  if (!args[required]) {
    console.error(`missing --${required}`);
    process.exit(64);
  }
}

const emit = (event) => process.stdout.write(JSON.stringify(event, bytesAsBase64) + '\n');

function bytesAsBase64(key, value) {
  // JSON.stringify has already turned Buffers into {type:'Buffer', data:[...]} by the time a
  // replacer sees them, so recognise that shape.
  if (value && value.type === 'Buffer' && Array.isArray(value.data)) {
    return { $bytes: Buffer.from(value.data).toString('base64') };
  }
  return value;
}

const timeout = setTimeout(() => {
  console.error(`timed out after ${args['timeout-ms']} ms`);
  process.exit(3);
}, Number(args['timeout-ms']));

const kafka = new Kafka({
  clientId: 'confluent-js-compat',
  brokers: args.bootstrap.split(','),
  logLevel: logLevel.WARN,
  logCreator: () => ({ namespace, level, log }) =>
    console.error(`[kafkajs ${namespace}] ${log.message} ${log.error ?? ''}`),
  retry: { retries: 8 },
});
const registry = new SchemaRegistryClient({ baseURLs: [args.registry] });

/** The i-th record the JS side sends: every field of ScanEvent, both branches of the unions. */
function scan(i) {
  return {
    identity: {
      studyInstanceUid: `1.2.840.99.${i}`,
      seriesInstanceUid: `1.2.840.99.${i}.1`,
      sopInstanceUid: `1.2.840.99.${i}.1.${i + 1}`,
      patientKey: `pk-js-${i}`,
    },
    acquisitionTime: 1_700_000_000_000 + i * 1000,
    source: 'js-producer',
    sliceIndex: i % 2 === 0 ? i : null,
    sliceCount: i % 2 === 0 ? 64 : null,
    encoding: ['PNG', 'JPEG', 'RAW_U8', 'RAW_U16_LE', 'DICOM'][i % 5],
    width: 4,
    height: 4 + i,
    image: Buffer.from(Array.from({ length: 16 + i }, (_, k) => (k * 37 + i * 11) & 0xff)),
    attributes: i % 3 === 0 ? {} : { modality: 'MR', index: String(i), note: 'unicode é✓' },
  };
}

async function produce(topic, count) {
  const subject = `${topic}-value`;
  const schema = readFileSync(args['schema-file'], 'utf8');
  const id = await registry.register(subject, { schemaType: 'AVRO', schema });
  emit({ event: 'registered', subject, id });
  // Serialize with the registered (latest) version, as Confluent's README does; a JS object
  // carries no schema of its own.
  const serializer = new AvroSerializer(registry, SerdeType.VALUE, {
    useLatestVersion: true,
    autoRegisterSchemas: false,
  });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    const messages = [];
    for (let i = 0; i < count; i++) {
      const value = scan(i);
      messages.push({ key: value.identity.sopInstanceUid, value: await serializer.serialize(topic, value) });
      emit({ event: 'produced', key: value.identity.sopInstanceUid, value });
    }
    await producer.send({ topic, messages, acks: -1 });
  } finally {
    await producer.disconnect();
  }
}

async function consume(topic, count) {
  const deserializer = new AvroDeserializer(registry, SerdeType.VALUE, {});
  const consumer = kafka.consumer({ groupId: `confluent-js-compat-${Date.now()}` });
  await consumer.connect();
  let seen = 0;
  let failure = null;
  await new Promise(async (resolve, reject) => {
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ partition, message }) => {
          try {
            const value = await deserializer.deserialize(topic, message.value);
            emit({
              event: 'consumed',
              partition,
              offset: message.offset,
              key: message.key?.toString('utf8') ?? null,
              value,
            });
          } catch (e) {
            failure = e;
          }
          seen++;
          if (seen >= count || failure) {
            resolve();
          }
        },
      });
    } catch (e) {
      reject(e);
    }
  });
  await consumer.disconnect();
  if (failure) {
    throw failure;
  }
}

const started = Date.now();
const progress = (what) => console.error(`${((Date.now() - started) / 1000).toFixed(1)}s ${what}`);

try {
  if (args['produce-topic'] && Number(args['produce-count']) > 0) {
    await produce(args['produce-topic'], Number(args['produce-count']));
    progress(`produced ${args['produce-count']} records to ${args['produce-topic']}`);
  }
  if (args['consume-topic'] && Number(args['consume-count']) > 0) {
    await consume(args['consume-topic'], Number(args['consume-count']));
    progress(`consumed ${args['consume-count']} records from ${args['consume-topic']}`);
  }
  emit({ event: 'done' });
  clearTimeout(timeout);
  process.exit(0);
} catch (e) {
  console.error(`confluent-compat failed: ${e?.stack ?? e}`);
  process.exit(1);
}
