// `oint completion bash|zsh|fish`: a completion script generated from the catalogue (every function's
// English name with its summary, its options with their short forms, which of them take a value) and
// from the sub-commands' options. Loaded only for this command. The scripts are static (no `oint`
// run at each Tab): `source <(oint completion bash)` in a shell's start-up file keeps them current.
import type { Definition } from "../catalogue/define.js";
import { catalogue } from "../catalogue/index.js";
import { LIMIT_OPTIONS } from "../portal/limits/sandbox-limits.js";
import { InputError } from "../transport/errors.js";
import { BULK_OPTIONS } from "./bulk.js";
import { EXIT } from "./exit-codes.js";
import { PROFILE_ADD_OPTIONS } from "./profile.js";
import { START_OPTIONS as MCP_START_OPTIONS } from "../mcp/cli.js";

interface Option {
  long: string;
  short?: string;
  /** Takes a value (completed with file names); otherwise a flag. */
  value: boolean;
  description: string;
}

interface Command {
  name: string;
  description: string;
  /** Words after the command (`add`, `send`, `bash`, …). */
  actions?: readonly { name: string; description: string }[];
  options?: readonly Option[];
}

/** A function's patterns (its names, lower-cased: oint matches them case-insensitively) and options. */
interface Method {
  name: string;
  summary: string;
  names: string[];
  options: Option[];
}

const STANDARD: Option[] = [
  { long: "out", value: true, description: "write the result to FILE instead of stdout" },
  { long: "profile", value: true, description: "take --url/--token from a saved profile" },
  { long: "debug", value: false, description: "print each request and answer status to stderr, secrets masked" },
  { long: "test", value: false, description: "print the request that would be sent, send nothing" },
  { long: "help", value: false, description: "this function's options" },
];

const fromParseArgs = (options: Record<string, { type: string; short?: string }>, descriptions: Record<string, string> = {}): Option[] =>
  Object.entries(options).map(([long, o]) => ({ long, short: o.short, value: o.type === "string", description: descriptions[long] ?? long }));

function commands(): Command[] {
  return [
    { name: "bitrix24", description: "Bitrix24 REST API functions" },
    {
      name: "profile",
      description: "saved connections",
      actions: [
        { name: "add", description: "save a connection" },
        { name: "list", description: "list the saved connections, secrets masked" },
        { name: "remove", description: "remove a saved connection" },
      ],
      options: fromParseArgs(PROFILE_ADD_OPTIONS),
    },
    { name: "bulk", description: "many messages from a JSON Lines file, journaled", actions: [{ name: "send", description: "send one message per line" }], options: fromParseArgs(BULK_OPTIONS) },
    {
      name: "mcp",
      description: "the MCP server for AI assistants",
      actions: [
        { name: "start", description: "run the MCP server" },
        { name: "config", description: "print a configuration template" },
      ],
      // start's options as src/mcp/cli.ts reads them, and config's --empty.
      options: fromParseArgs({ ...MCP_START_OPTIONS, empty: { type: "string", short: "e" } }),
    },
    {
      name: "sandbox",
      description: "run the local Bitrix24-compatible portal",
      // As src/portal/cli.ts reads them.
      options: fromParseArgs({ port: { type: "string" }, host: { type: "string" }, secret: { type: "string" }, data: { type: "string" }, demo: { type: "boolean" }, help: { type: "boolean", short: "h" }, ...LIMIT_OPTIONS }),
    },
    {
      name: "completion",
      description: "print a shell completion script",
      actions: SHELLS.map((name) => ({ name, description: `completion for ${name}` })),
    },
    { name: "help", description: "help on a command" },
  ];
}

function methods(): Method[] {
  return (catalogue as readonly Definition[]).map((def) => ({
    name: def.name,
    summary: def.summary,
    names: [...new Set([def.name, def.ru, ...(def.aliases ?? [])].map((n) => n.toLowerCase()))],
    options: def.params.map((p) => ({
      long: p.option,
      short: p.short,
      value: p.kind !== "flag" && p.kind !== "boolean",
      description: `${p.description}${p.required ? " (required)" : ""}`,
    })),
  }));
}

const words = (options: readonly Option[], valuesOnly = false) =>
  options.filter((o) => !valuesOnly || o.value).flatMap((o) => [`--${o.long}`, ...(o.short ? [`-${o.short}`] : [])]).join(" ");
/** For bash: each option's forms joined by commas (`--chat,-c`), so that one given drops both. */
const groups = (options: readonly Option[]) => options.map((o) => [`--${o.long}`, ...(o.short ? [`-${o.short}`] : [])].join(",")).join(" ");
const oneLine = (text: string) => text.replace(/\s+/g, " ").trim();
/** Inside single quotes, for bash and zsh. */
const sq = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;
/** Inside single quotes, for fish (which reads \' and \\ there). */
const fq = (text: string) => `'${text.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;

export function bashScript(): string {
  const cmds = commands();
  const methodList = methods();
  const cases = methodList.map((m) => `    ${m.names.map(sq).join("|")}) _oint_opts=${sq(groups(m.options))}; _oint_values=${sq(words(m.options, true))};;`);
  const subCases = cmds
    .filter((c) => c.name !== "bitrix24" && c.name !== "help")
    .map((c) => {
      const first = c.actions ? `if [ "$COMP_CWORD" -eq 2 ]; then words=${sq(`${c.actions.map((a) => a.name).join(" ")} help --help`)}; else ` : "";
      const opts = c.options ? `_oint_opts=${sq(groups(c.options))}; _oint_values=${sq(words(c.options, true))}` : ":";
      return `      ${c.name}) ${first}${opts}${c.actions ? "; fi" : ""};;`;
    });
  return `# oint completion for bash, generated by \`oint completion bash\` from oint's catalogue.
# Load it from ~/.bashrc:   source <(oint completion bash)
# or save it once:          oint completion bash > ~/.local/share/bash-completion/completions/oint

_oint_methods=${sq(methodList.map((m) => m.name).join(" "))}

# Sets _oint_opts (a function's options, the forms of one joined by commas: --chat,-c) and _oint_values (those that take a value) from its name,
# matched case-insensitively as oint matches it (English and Russian names, earlier spellings).
_oint_method_options() {
  local restore=
  shopt -q nocasematch || restore=1
  shopt -s nocasematch
  case "$1" in
${cases.join("\n")}
    *) _oint_opts=; _oint_values=;;
  esac
  [ -n "$restore" ] && shopt -u nocasematch
  return 0
}

_oint() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}" words= _oint_opts= _oint_values=
  COMPREPLY=()
  if [ "$COMP_CWORD" -eq 1 ]; then
    words=${sq(`${cmds.map((c) => c.name).join(" ")} --help --version`)}
  else
    case "\${COMP_WORDS[1]}" in
      bitrix24)
        if [ "$COMP_CWORD" -eq 2 ]; then
          words="$_oint_methods help --help"
        else
          _oint_method_options "\${COMP_WORDS[2]}"
          _oint_opts="$_oint_opts ${groups(STANDARD)}"
          _oint_values="$_oint_values ${words(STANDARD, true)}"
        fi;;
      help)
        if [ "$COMP_CWORD" -eq 2 ]; then words=${sq(cmds.map((c) => c.name).join(" "))}
        elif [ "$COMP_CWORD" -eq 3 ] && [ "\${COMP_WORDS[2]}" = bitrix24 ]; then words="$_oint_methods"; fi;;
${subCases.join("\n")}
    esac
  fi
  # The value of an option: a file name (a .json file of blocks, --out, --file).
  if [ -n "$_oint_values" ] && [[ " $_oint_values " == *" $prev "* ]]; then
    local IFS=$'\\n'
    COMPREPLY=($(compgen -f -- "$cur"))
    return 0
  fi
  # Options not given yet, in either form (oint refuses an option given twice).
  local group form taken given=" \${COMP_WORDS[*]:1:COMP_CWORD-1} "
  for group in $_oint_opts; do
    taken=
    for form in \${group//,/ }; do [[ "$given" == *" $form "* ]] && taken=1; done
    [ -n "$taken" ] || words="$words \${group//,/ }"
  done
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
  return 0
}

complete -F _oint oint
`;
}

export function zshScript(): string {
  const cmds = commands();
  const methodList = methods();
  const described = (options: readonly Option[]) =>
    options.flatMap((o) => [`--${o.long}:${oneLine(o.description)}`, ...(o.short ? [`-${o.short}:${oneLine(o.description)}`] : [])]).map(sq).join(" ");
  const valueWords = (options: readonly Option[]) => words(options, true);
  const cases = methodList.map((m) => `    ${m.names.map(sq).join("|")}) reply=(${described(m.options)}); _oint_values=(${valueWords(m.options)});;`);
  const subCases = cmds
    .filter((c) => c.name !== "bitrix24" && c.name !== "help")
    .map((c) => {
      const actions = c.actions
        ? `if (( CURRENT == 3 )); then reply=(${[...c.actions.map((a) => `${a.name}:${a.description}`), "help:this command's help"].map(sq).join(" ")}); _describe -t actions ${sq(`oint ${c.name} action`)} reply; return; fi; `
        : "";
      const opts = c.options ? `reply=(${described(c.options)}); _oint_values=(${valueWords(c.options)})` : "return";
      return `    ${c.name}) ${actions}${opts};;`;
    });
  return `#compdef oint
# oint completion for zsh, generated by \`oint completion zsh\` from oint's catalogue.
# Load it from ~/.zshrc (after compinit):   source <(oint completion zsh)
# or save it as _oint in a folder of $fpath: oint completion zsh > ~/.zfunc/_oint

_oint_methods=(${methodList.map((m) => sq(`${m.name}:${oneLine(m.summary)}`)).join(" ")})

# Sets reply (a function's options, described) and _oint_values (those that take a value) from its
# name, matched case-insensitively as oint matches it (English and Russian names, earlier spellings).
_oint_method_options() {
  case \${(L)1} in
${cases.join("\n")}
    *) reply=(); _oint_values=();;
  esac
}

_oint() {
  local -a reply _oint_values left
  local item
  if (( CURRENT == 2 )); then
    reply=(${[...cmds.map((c) => `${c.name}:${c.description}`), "--help:oint's help", "--version:oint's version"].map(sq).join(" ")})
    _describe -t commands 'oint command' reply
    return
  fi
  case $words[2] in
    bitrix24)
      if (( CURRENT == 3 )); then _describe -t methods 'bitrix24 function' _oint_methods; return; fi
      _oint_method_options "$words[3]"
      reply+=(${described(STANDARD)})
      _oint_values+=(${valueWords(STANDARD)});;
    help)
      if (( CURRENT == 3 )); then reply=(${cmds.map((c) => sq(`${c.name}:${c.description}`)).join(" ")}); _describe -t commands 'oint command' reply; fi
      if (( CURRENT == 4 )) && [[ $words[3] == bitrix24 ]]; then _describe -t methods 'bitrix24 function' _oint_methods; fi
      return;;
${subCases.join("\n")}
    *) return;;
  esac
  # The value of an option: a file name (a .json file of blocks, --out, --file).
  if (( \${_oint_values[(Ie)$words[CURRENT-1]]} )); then _files; return; fi
  # Options not given yet (oint refuses an option given twice).
  for item in $reply; do (( \${words[(Ie)\${item%%:*}]} )) || left+=("$item"); done
  _describe -t options 'option' left
}

if [ "$funcstack[1]" = "_oint" ]; then _oint "$@"; else compdef _oint oint; fi
`;
}

export function fishScript(): string {
  const cmds = commands();
  const methodList = methods();
  // Each option is offered until it is given, in either form (`--chat`, `-c`, `--chat=…`), as in bash.
  const option = (condition: string, o: Option) =>
    `complete -c oint -n ${fq(`${condition}; and __oint_new --${o.long}${o.short ? ` -${o.short}` : ""}`)} -l ${o.long}${o.short ? ` -s ${o.short}` : ""}${o.value ? " -r -F" : ""} -d ${fq(oneLine(o.description))}`;
  const lines: string[] = [
    `# oint completion for fish, generated by \`oint completion fish\` from oint's catalogue.`,
    `# Save it once:  oint completion fish > ~/.config/fish/completions/oint.fish`,
    `# or load it in config.fish:  oint completion fish | source`,
    "",
    "function __oint_at --description 'N words before the cursor'",
    "    test (count (commandline -opc)) -eq $argv[1]",
    "end",
    "function __oint_in --description 'the command (oint COMMAND ...) is one of these'",
    "    set -l w (commandline -opc)",
    "    test (count $w) -ge 2; and contains -- $w[2] $argv",
    "end",
    "function __oint_new --description 'none of these options is on the command line yet'",
    "    set -l w (commandline -opc)",
    "    for o in $argv",
    "        contains -- $o $w; and return 1",
    "        string match -q -- \"$o=*\" $w; and return 1",
    "    end",
    "    return 0",
    "end",
    "function __oint_method --description 'oint bitrix24 METHOD ..., METHOD one of these names (case-insensitive)'",
    "    set -l w (commandline -opc)",
    "    test (count $w) -ge 3; and test $w[2] = bitrix24; and contains -- (string lower -- $w[3]) $argv",
    "end",
    "",
    "complete -c oint -f",
    ...cmds.map((c) => `complete -c oint -n '__oint_at 1' -a ${c.name} -d ${fq(c.description)}`),
    "complete -c oint -n '__oint_at 1' -l help -s h -d 'oint\\'s help'",
    "complete -c oint -n '__oint_at 1' -l version -s v -d 'oint\\'s version'",
    ...cmds.map((c) => `complete -c oint -n '__oint_at 2; and __oint_in help' -a ${c.name} -d ${fq(c.description)}`),
    ...methodList.map((m) => `complete -c oint -n '__oint_at 2; and __oint_in bitrix24' -a ${m.name} -d ${fq(oneLine(m.summary))}`),
    ...methodList.map((m) => `complete -c oint -n '__oint_at 3; and __oint_in help; and contains -- bitrix24 (commandline -opc)' -a ${m.name} -d ${fq(oneLine(m.summary))}`),
    ...methodList.flatMap((m) => m.options.map((o) => option(`__oint_method ${m.names.join(" ")}`, o))),
    ...STANDARD.map((o) => option("__oint_in bitrix24; and not __oint_at 2", o)),
  ];
  for (const c of cmds) {
    if (c.name === "bitrix24" || c.name === "help") continue;
    for (const a of c.actions ?? []) lines.push(`complete -c oint -n '__oint_at 2; and __oint_in ${c.name}' -a ${a.name} -d ${fq(a.description)}`);
    for (const o of c.options ?? []) lines.push(option(`__oint_in ${c.name}${c.actions ? "; and not __oint_at 2" : ""}`, o));
  }
  return `${lines.join("\n")}\n`;
}

const SHELLS = ["bash", "zsh", "fish"] as const;
const SCRIPTS: Record<(typeof SHELLS)[number], () => string> = { bash: bashScript, zsh: zshScript, fish: fishScript };

export const COMPLETION_HELP = `Usage: oint completion bash|zsh|fish

Prints a shell completion script: Tab completes commands, the bitrix24 functions, their options
(long and short forms, each offered until given) and file names for option values.
  bash:  source <(oint completion bash)           in ~/.bashrc
  zsh:   source <(oint completion zsh)            in ~/.zshrc, after compinit
  fish:  oint completion fish > ~/.config/fish/completions/oint.fish
The script is made from the installed oint's functions: load it again after upgrading.`;

/** `oint completion …`; returns the exit code. */
export async function runCompletion(argv: readonly string[]): Promise<number> {
  const [shell, ...rest] = argv;
  if (!shell || shell === "--help" || shell === "-h" || shell === "help") return process.stdout.write(`${COMPLETION_HELP}\n`), EXIT.ok;
  try {
    if (!(SHELLS as readonly string[]).includes(shell)) {
      const shown = /^[a-z-]{1,24}$/i.test(shell);
      const close = shown ? (await import("./suggest.js")).suggestion(shell, SHELLS) : undefined;
      throw new InputError(`unknown shell${shown ? ` "${shell}"` : ""}: bash, zsh or fish${close ? ` (did you mean ${close}?)` : ""}`);
    }
    if (rest.length) throw new InputError(`takes only the shell's name (oint completion ${shell})`);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    process.stderr.write(`${(await import("./colour.js")).errorPrefix()} ${error.message}. See \`oint completion --help\`.\n`);
    return EXIT.badInput;
  }
  process.stdout.write(SCRIPTS[shell as (typeof SHELLS)[number]]());
  return EXIT.ok;
}
