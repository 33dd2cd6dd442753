// Validates every manifest in a directory (default deploy/kubernetes) offline, as the API server would take it:
// each document against its kind's schema from the Kubernetes API (kubernetes-models' compiled OpenAPI schemas) or,
// for the Zalando operator's `postgresql`, against the operator's own CRD schema (crds/); and every field must be one
// the schema knows (a misspelt `readinessprobe` passes a plain schema check and is dropped by the server without a word).
// Prints one line per problem and exits 1, or a count and exits 0 (on stderr); `--json` prints the manifests as JSON
// on stdout ([{file, manifest}]) for the tests that check what they say.
// Usage: node validate.mjs [--json] [DIRECTORY]
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";
import Ajv from "ajv";
import { KnownFields } from "./known-fields.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const json = process.argv.includes("--json");
const directory = process.argv.slice(2).find(a => a !== "--json") ?? join(here, "..", "..", "deploy", "kubernetes");
const known = new KnownFields(join(here, "node_modules"));
const problems = [];
const manifests = [];

const crds = new Map();
for (const file of readdirSync(join(here, "crds"))) {
  const crd = parseAllDocuments(readFileSync(join(here, "crds", file), "utf8")).map(d => d.toJS()).find(d => d?.kind === "CustomResourceDefinition");
  for (const version of crd.spec.versions) {
    crds.set(`${crd.spec.group}/${version.name}/${crd.spec.names.kind}`, version.schema.openAPIV3Schema);
  }
}
// The CRD's schema is OpenAPI v3 with Kubernetes' x- keywords and formats such as int-or-string: checked for types.
// Its patterns are Go regular expressions (`\ `), which JavaScript accepts only without the unicode flag.
const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, unicodeRegExp: false });

for (const file of readdirSync(directory).filter(f => /\.ya?ml$/.test(f)).sort()) {
  const path = join(directory, file);
  for (const document of parseAllDocuments(readFileSync(path, "utf8"))) {
    if (document.errors.length > 0) {
      problems.push(`${file}: not YAML: ${document.errors[0].message.split("\n")[0]}`);
      continue;
    }
    const manifest = document.toJS();
    if (manifest === null || manifest === undefined) continue;
    if (manifest.kind === "Kustomization") continue;
    manifests.push({ file, manifest });
    const name = `${file}: ${manifest.kind}/${manifest.metadata?.name}`;
    for (const problem of await check(manifest)) problems.push(`${name}: ${problem}`);
  }
}

for (const problem of problems) console.error(problem);
console.error(problems.length === 0 ? `${manifests.length} manifests valid` : `${problems.length} problems in ${manifests.length} manifests`);
if (json) console.log(JSON.stringify(manifests));
process.exit(problems.length === 0 ? 0 : 1);

async function check(manifest) {
  if (typeof manifest.apiVersion !== "string" || typeof manifest.kind !== "string") return ["no apiVersion or kind"];
  const crd = crds.get(`${manifest.apiVersion}/${manifest.kind}`);
  if (crd) {
    const validate = ajv.compile(crd);
    const errors = validate(manifest) ? [] : validate.errors.map(e => `${e.instancePath || "/"} ${e.message}`);
    return [...errors, ...known.unknownInSchema(manifest, crd)];
  }
  let model;
  try {
    model = (await import(`kubernetes-models/${manifest.apiVersion}/${manifest.kind}`))[manifest.kind];
  } catch {
    return [`no schema for ${manifest.apiVersion} ${manifest.kind}`];
  }
  const errors = [];
  try {
    new model(manifest).validate();
  } catch (error) {
    errors.push(...error.message.split(", ").map(line => line.replace(/^data/, "")));
  }
  return [...errors, ...known.unknownInModel(manifest)];
}
