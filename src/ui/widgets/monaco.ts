// Loads Monaco on demand (its own chunk) with its editor worker bundled by Vite (?worker), and
// registers a small Monarch grammar for GNU ld scripts (keywords per the ld manual, "Scripts").
// Nothing is fetched from a CDN.

export type MonacoApi = typeof import('monaco-editor/editor/editor.api');

/** Imports Monaco (the module loader caches it) and registers ld-script once per page. */
export async function loadMonaco(): Promise<MonacoApi> {
  const [api, worker] = await Promise.all([
    import('monaco-editor/editor/editor.api'),
    import('monaco-editor/editor/editor.worker?worker'),
  ]);
  (globalThis as { MonacoEnvironment?: unknown }).MonacoEnvironment = { getWorker: () => new worker.default() };
  if (!api.languages.getLanguages().some((l) => l.id === 'ld-script')) registerLdScript(api);
  return api;
}

function registerLdScript(monaco: MonacoApi): void {
  monaco.languages.register({ id: 'ld-script', extensions: ['.lds', '.ld'] });
  monaco.languages.setMonarchTokensProvider('ld-script', {
    keywords: ['SECTIONS', 'MEMORY', 'PHDRS', 'ENTRY', 'OUTPUT_FORMAT', 'OUTPUT_ARCH', 'ASSERT', 'PROVIDE', 'PROVIDE_HIDDEN',
      'HIDDEN', 'KEEP', 'SORT', 'SORT_BY_NAME', 'SORT_BY_ALIGNMENT', 'SORT_BY_INIT_PRIORITY', 'SORT_NONE', 'ALIGN', 'AT',
      'ADDR', 'LOADADDR', 'SIZEOF', 'DEFINED', 'ABSOLUTE', 'NOLOAD', 'INCLUDE', 'INPUT', 'GROUP', 'EXCLUDE_FILE', 'FILL',
      'BYTE', 'SHORT', 'LONG', 'QUAD', 'SUBALIGN', 'ONLY_IF_RO', 'ONLY_IF_RW', 'INSERT', 'AFTER', 'BEFORE', 'FLAGS',
      'FILEHDR', 'MAX', 'MIN', 'ORIGIN', 'LENGTH', 'CONSTRUCTORS', 'COMMON'],
    tokenizer: {
      root: [
        [/\/\*/, 'comment', '@comment'],
        [/0[xX][0-9a-fA-F]+[KM]?|\d+[KM]?/, 'number'],
        [/[A-Z_][A-Z_0-9]*(?=\s*\()|[A-Z_]{2,}\b/, { cases: { '@keywords': 'keyword', '@default': 'identifier' } }],
        [/\.[A-Za-z_.$*][\w.$*]*/, 'type'],
        [/[A-Za-z_$][\w$.]*/, 'identifier'],
        [/"[^"]*"/, 'string'],
        [/[{}()[\]]/, '@brackets'],
        [/[=+\-*/<>!&|:;,?%]/, 'operator'],
      ],
      comment: [[/\*\//, 'comment', '@pop'], [/[^*]+/, 'comment'], [/./, 'comment']],
    },
  });
}
