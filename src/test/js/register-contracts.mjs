// Registers the contracts in schemas/*.avsc with Confluent's official JavaScript registry client,
// as a CI job would before production services start with auto.register.schemas=false. Driven by
// ContractRegistrationIT.
//
//   node register-contracts.mjs --registry http://localhost:8081 --schemas ../../../schemas \
//     --subject mri.scans-value=io.neurostream.avro.ScanEvent [--subject ...]
//
// The registry takes self-contained schemas (no references), so each contract is inlined here
// from the .avsc files alone: a named type is written out in full where it first appears and by
// name afterwards, as Avro requires. Stdout carries one JSON object per line: {"event":
// "registered", "subject", "name", "id", "schema"} per subject, then {"event": "done"}.

import { SchemaRegistryClient } from '@confluentinc/schemaregistry';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: {
    registry: { type: 'string' },
    schemas: { type: 'string' },
    subject: { type: 'string', multiple: true, default: [] },
    user: { type: 'string' },
  },
});
if (!args.registry || !args.schemas || args.subject.length === 0) {
  console.error('usage: --registry URL --schemas DIR --subject SUBJECT=FULL.NAME ...');
  process.exit(64);
}

const PRIMITIVES = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);
const NAMED = new Set(['record', 'enum', 'fixed']);

/** Every named type of the .avsc files, by full name. */
const definitions = new Map();
for (const file of readdirSync(args.schemas).filter((f) => f.endsWith('.avsc')).sort()) {
  const schema = JSON.parse(readFileSync(join(args.schemas, file), 'utf8'));
  definitions.set(fullName(schema.name, schema.namespace), schema);
}

function fullName(name, namespace) {
  return name.includes('.') || !namespace ? name : `${namespace}.${name}`;
}

/** The schema with every referenced named type inlined at its first use. */
function inline(node, namespace, defined) {
  if (typeof node === 'string') {
    if (PRIMITIVES.has(node)) return node;
    const name = fullName(node, namespace);
    if (defined.has(name)) return name;
    const definition = definitions.get(name) ?? definitions.get(node);
    if (!definition) throw new Error(`type ${name} is defined in no .avsc file`);
    return inline(definition, namespace, defined);
  }
  if (Array.isArray(node)) return node.map((branch) => inline(branch, namespace, defined));
  const out = { ...node };
  if (NAMED.has(node.type)) {
    const ns = node.name.includes('.') ? node.name.slice(0, node.name.lastIndexOf('.')) : (node.namespace ?? namespace);
    defined.add(fullName(node.name, ns));
    if (node.type === 'record') {
      out.fields = node.fields.map((f) => ({ ...f, type: inline(f.type, ns, defined) }));
    }
    return out;
  }
  if (node.type === 'array') out.items = inline(node.items, namespace, defined);
  else if (node.type === 'map') out.values = inline(node.values, namespace, defined);
  else if (!PRIMITIVES.has(node.type)) return inline(node.type, namespace, defined);
  return out;
}

const config = { baseURLs: [args.registry] };
if (args.user) {
  config.basicAuthCredentials = { credentialsSource: 'USER_INFO', userInfo: args.user };
}
const registry = new SchemaRegistryClient(config);

for (const pair of args.subject) {
  const [subject, name] = pair.split('=');
  const schema = JSON.stringify(inline(name, undefined, new Set()));
  const id = await registry.register(subject, { schemaType: 'AVRO', schema });
  process.stdout.write(JSON.stringify({ event: 'registered', subject, name, id, schema }) + '\n');
}
process.stdout.write(JSON.stringify({ event: 'done' }) + '\n');
