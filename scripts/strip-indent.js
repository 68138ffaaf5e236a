// Removes the indentation tsc writes at the start of every line of the emitted JavaScript (the
// build moves the source maps' columns by what each line lost). A process keeps the text of every
// module it loads for as long as it runs; tsc's four spaces per level were 30 % of dist/ and 12 % of
// what `require('otelprof')` loads. Lines stay where they were, so stack traces without source maps
// still name the right line.
// Indentation inside a multi-line template or string literal is part of its value and is kept.
'use strict';
const ts = require('typescript');

/** [start, end) of every literal whose text spans lines: their inner line starts are values. */
function multiLineLiterals(file, text) {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.JS);
  const ranges = [];
  const visit = (node) => {
    const literal = ts.isTemplateExpression(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isStringLiteral(node);
    if (literal) {
      const start = node.getStart(source);
      if (text.slice(start, node.end).includes('\n')) ranges.push([start, node.end]);
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return ranges;
}

/** The text without leading indentation, and how many characters each line (0-based) lost. */
function stripIndent(file, text) {
  const literals = multiLineLiterals(file, text);
  const insideLiteral = (offset) => literals.some(([s, e]) => s < offset && offset < e);
  const removed = [];
  const out = [];
  let offset = 0;
  for (const line of text.split('\n')) {
    const indent = insideLiteral(offset) ? 0 : line.length - line.trimStart().length;
    removed.push(indent);
    out.push(line.slice(indent));
    offset += line.length + 1;
  }
  return { text: out.join('\n'), removed };
}

module.exports = { stripIndent };
