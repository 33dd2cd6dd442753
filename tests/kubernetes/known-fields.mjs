// The fields each Kubernetes type has, read from kubernetes-models' type declarations (their compiled schemas do not
// refuse unknown fields, and the server drops them silently unless it validates strictly), and the same for a CRD's
// structural schema.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

export class KnownFields {
  #types = new Map();   // global type name → Map(field → referenced type name or null)
  #kinds = new Map();   // "apps/v1/Deployment" → global type name

  constructor(modules) {
    for (const root of [join(modules, "kubernetes-models"), join(modules, "@kubernetes-models", "apimachinery")]) {
      for (const file of declarations(root)) this.#read(file, root);
    }
  }

  unknownInModel(manifest) {
    const type = this.#kinds.get(`${manifest.apiVersion}/${manifest.kind}`);
    return type ? this.#walk(manifest, type, "") : [];
  }

  unknownInSchema(value, schema, path = "") {
    if (Array.isArray(value)) return schema.items ? value.flatMap((item, i) => this.unknownInSchema(item, schema.items, `${path}/${i}`)) : [];
    if (value === null || typeof value !== "object" || schema["x-kubernetes-preserve-unknown-fields"]) return [];
    if (schema.properties) {
      return Object.entries(value).flatMap(([key, field]) => schema.properties[key]
        ? this.unknownInSchema(field, schema.properties[key], `${path}/${key}`)
        : schema.additionalProperties ? [] : [`${path}/${key}: unknown field`]);
    }
    return typeof schema.additionalProperties === "object"
      ? Object.entries(value).flatMap(([key, field]) => this.unknownInSchema(field, schema.additionalProperties, `${path}/${key}`))
      : [];
  }

  #walk(value, type, path) {
    if (Array.isArray(value)) return value.flatMap((item, i) => this.#walk(item, type, `${path}/${i}`));
    const fields = this.#types.get(type);
    if (!fields || value === null || typeof value !== "object") return [];
    return Object.entries(value).flatMap(([key, field]) => !fields.has(key)
      ? [`${path}/${key}: unknown field`]
      : fields.get(key) ? this.#walk(field, fields.get(key), `${path}/${key}`) : []);
  }

  #read(file, root) {
    const text = readFileSync(file, "utf8");
    const aliases = new Map();
    for (const [, list] of text.matchAll(/export type \{([^}]*)\}/g)) {
      for (const [, local, global] of list.matchAll(/(\w+) as (\w+)/g)) aliases.set(local, global);
    }
    for (const [, local, body] of text.matchAll(/export interface (\w+)[^{]*\{\n([\s\S]*?)\n\}/g)) {
      const fields = new Map();
      for (const [, name, type] of body.matchAll(/^ {4}"([^"]+)"\??: (.*)$/gm)) {
        fields.set(name, type.match(/^(?:Array<)?(IIoK8s\w+)/)?.[1] ?? null);
      }
      const global = aliases.get(local) ?? local;
      this.#types.set(global, fields);
      const kind = fields.has("apiVersion") && fields.has("kind") && text.match(/"apiVersion": "([^"]+)";\n\s*"kind": "([^"]+)";/);
      if (kind && file.startsWith(root)) this.#kinds.set(`${kind[1]}/${kind[2]}`, global);
    }
  }
}

function* declarations(directory) {
  for (const entry of readdirSync(directory)) {
    const path = join(directory, entry);
    if (statSync(path).isDirectory()) yield* declarations(path);
    else if (entry.endsWith(".d.ts")) yield path;
  }
}
