/**
 * @module mailservice/templates
 * Loads and compiles every email template once, at startup, with handlebars `strict`, so a missing
 * variable is an error naming the template and the variable instead of a blank in an email.
 *
 * Layout: `templates/<name>.{subject,html,text}.hbs`, partials in `templates/partials/<p>.{html,text}.hbs`,
 * sample data in `templates/samples/<name>.json`. HTML escapes every value; text and subject do not
 * (they are not HTML), and the subject is checked for CR/LF by the mail service.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import { TemplateError } from '../errors.js';

/** DEFAULT_TEMPLATES_DIR is the `templates/` folder shipped with the package. */
export const DEFAULT_TEMPLATES_DIR = fileURLToPath(new URL('../../templates/', import.meta.url));

/** RenderedEmail is a template rendered in all three parts. */
export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

type Part = 'subject' | 'html' | 'text';
type Compiled = Handlebars.TemplateDelegate<Record<string, unknown>>;
const PARTS: readonly Part[] = ['subject', 'html', 'text'];

/** TemplateSet is every template of a folder, compiled; render() is synchronous and pure. */
export class TemplateSet {
  readonly dir: string;
  readonly #templates = new Map<string, Record<Part, Compiled>>();
  readonly #samples = new Map<string, Record<string, unknown>>();

  private constructor(dir: string) {
    this.dir = dir;
  }

  /** load compiles every complete template set in `dir`; a set missing a part is a TemplateError. */
  static load(dir: string = DEFAULT_TEMPLATES_DIR): TemplateSet {
    const set = new TemplateSet(dir);
    const html = Handlebars.create();
    const plain = Handlebars.create();
    const files = readdirSync(dir);
    const partialsDir = join(dir, 'partials');
    for (const file of readdirSync(partialsDir)) {
      const m = /^(.+)\.(html|text)\.hbs$/.exec(file);
      if (!m) continue;
      const [, name, format] = m as unknown as [string, string, 'html' | 'text'];
      const env = format === 'html' ? html : plain;
      // A file's last newline is not part of a text partial: the template placing it decides the line breaks.
      const source = readFileSync(join(partialsDir, file), 'utf8');
      env.registerPartial(
        name,
        compile(env, `partials/${file}`, format === 'text' ? source.replace(/\n$/, '') : source, format === 'text'),
      );
    }
    const names = new Set(
      files.map((f) => /^(.+)\.(subject|html|text)\.hbs$/.exec(f)?.[1]).filter((n): n is string => n !== undefined),
    );
    for (const name of names) {
      const parts = {} as Record<Part, Compiled>;
      for (const part of PARTS) {
        const file = `${name}.${part}.hbs`;
        if (!files.includes(file)) throw new TemplateError(name, `missing ${file} in ${dir}`);
        const source = readFileSync(join(dir, file), 'utf8');
        parts[part] = compile(
          part === 'html' ? html : plain,
          file,
          part === 'subject' ? source.trim() : source,
          part !== 'html',
        );
      }
      set.#templates.set(name, parts);
    }
    // Samples: for templates, and for the kinds worded from the catalog (notification/content).
    const samplesDir = join(dir, 'samples');
    for (const file of existsSync(samplesDir) ? readdirSync(samplesDir) : []) {
      const m = /^(.+)\.json$/.exec(file);
      if (!m) continue;
      try {
        set.#samples.set(
          m[1] as string,
          JSON.parse(readFileSync(join(samplesDir, file), 'utf8')) as Record<string, unknown>,
        );
      } catch (err) {
        throw new TemplateError(`samples/${file}`, `is not JSON: ${(err as Error).message}`, { cause: err });
      }
    }
    // Render every sample once now: a template that no longer matches its sample fails at startup,
    // not in front of an operator (and the renderer is warm before the first real email).
    for (const [name, sample] of set.#samples) if (set.has(name)) set.render(name, sample);
    return set;
  }

  /** names lists the templates, sorted. */
  names(): string[] {
    return [...this.#templates.keys()].sort();
  }

  /** has tells whether a template exists. */
  has(name: string): boolean {
    return this.#templates.has(name);
  }

  /** require throws a TemplateError naming the known templates unless `name` is one of them. */
  require(name: string): void {
    this.#get(name);
  }

  /** hasSample tells whether `samples/<name>.json` exists. */
  hasSample(name: string): boolean {
    return this.#samples.has(name);
  }

  /** sample returns the sample data shipped for a template or kind. */
  sample(name: string): Record<string, unknown> {
    const s = this.#samples.get(name);
    if (!s)
      throw new TemplateError(
        name,
        this.has(name) ? 'no sample data (templates/samples/<name>.json)' : this.#unknown(),
      );
    return structuredClone(s);
  }

  /** render renders subject, HTML and text; a missing variable is a TemplateError naming it. */
  render(name: string, data: Record<string, unknown>): RenderedEmail {
    const t = this.#get(name);
    const subject = run(name, 'subject', t.subject, data);
    return { subject, html: run(name, 'html', t.html, { ...data, subject }), text: run(name, 'text', t.text, data) };
  }

  #get(name: string): Record<Part, Compiled> {
    const t = this.#templates.get(name);
    if (!t) throw new TemplateError(name, this.#unknown());
    return t;
  }

  #unknown(): string {
    return `unknown template (known: ${this.names().join(', ')})`;
  }
}

function compile(env: typeof Handlebars, file: string, source: string, plain: boolean): Compiled {
  try {
    env.parse(source); // compile() is lazy; parsing now makes a syntax error a startup error
  } catch (err) {
    throw new TemplateError(file, `does not compile: ${(err as Error).message}`, { cause: err });
  }
  // Templates use handlebars' built-in helpers only (there is no way to register others), so every
  // {{name}} is a plain lookup: knownHelpersOnly compiles it without a helper check per mustache.
  return env.compile<Record<string, unknown>>(source, { strict: true, noEscape: plain, knownHelpersOnly: true });
}

function run(name: string, part: Part, t: Compiled, data: Record<string, unknown>): string {
  try {
    return t(data); // prototype access stays off: handlebars denies it by default
  } catch (err) {
    const m = isMissingVariable(err);
    if (m) throw new TemplateError(`${name}.${part}`, `missing variable "${m[1]}" (line ${m[2]})`, { cause: err });
    throw new TemplateError(`${name}.${part}`, (err as Error).message, { cause: err });
  }
}

function isMissingVariable(err: unknown): RegExpExecArray | null {
  return err instanceof Error ? /"([^"]+)" not defined in .* - (\d+):\d+/.exec(err.message) : null;
}
