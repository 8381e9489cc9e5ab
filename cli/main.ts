// The gorun command line (docs/cli.md). Parsing and printing only: the work is
// done by compiler/ (and, later, vm/ and runtime/).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { ARCHES, type Arch } from '../isa/target.js';
import { checkCommand, complain, disasmCommand, explainCommand, loadSource, matrixCommand, runCommand, STDIN, UsageError } from './commands.js';
import { addRunOptions, runOptions, traceOption, type RawRunOpts } from './options.js';
import { portOption, serve, webRoot } from './serve.js';
import { StreamSink } from './streams.js';
import { checkTraceNames } from './tracefile.js';

const VERSION = '0.1.0';

// Created first, so that a reader who goes away (EPIPE) never makes a Node.js error.
const stdout = new StreamSink(process.stdout);
const stderr = new StreamSink(process.stderr);

const archOption = () => new Option('--arch <arch>', 'target architecture').choices(ARCHES as string[]);

const COMMANDS = ['run', 'explain', 'matrix', 'check', 'disasm', 'serve', 'help'];

/** Edit distance with transpositions (optimal string alignment): `explian` is 1 from `explain`. */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

/** The command a mistyped word was meant to be, if it is close to one. */
function meantCommand(word: string): string | null {
  const best = COMMANDS.map((c) => ({ c, d: distance(word.toLowerCase(), c) })).sort((x, y) => x.d - y.d)[0]!;
  return best.d <= Math.min(2, Math.floor(best.c.length / 2)) ? best.c : null;
}

/**
 * The one FILE of run, explain, check and disasm. A word that names no file
 * but is close to a command is a mistyped command; a second FILE is refused;
 * so are program arguments (after `--`), which a gasm program cannot read.
 */
function oneFile(file: string, rest: readonly string[], command: string): string {
  if (file !== STDIN && !existsSync(file)) {
    const meant = command === 'run' ? meantCommand(file) : null;
    if (meant) throw new UsageError(`unknown command ${file} (did you mean ${meant}?)`);
  }
  if (rest.length === 0) return file;
  const dash = process.argv.indexOf('--', 2);
  if (dash >= 0 && process.argv.length - dash - 1 >= rest.length) {
    throw new UsageError(`a gasm program cannot read arguments: remove ${rest.join(' ')} after --`);
  }
  throw new UsageError(`${command} takes one FILE, not ${rest.length + 1}: ${[file, ...rest].join(' ')}${command === 'run' ? ' (gorun matrix runs several)' : ''}`);
}

/** The operands commander collected beyond FILE. */
const extraArgs = (cmd: Command) => cmd.args.slice(1);

function build(): Command {
  const program = new Command('gorun')
    .description('Run gasm programs on an emulated Go runtime (amd64, 386, arm).')
    .version(VERSION, '--version')
    .showSuggestionAfterError()
    .exitOverride()
    .configureOutput({ writeErr: (s) => stderr.write(s), writeOut: (s) => stdout.write(s) })
    .addHelpText('after', '\nThe example programs: gorun --examples prints their directory.');

  addRunOptions(program.command('run <file>', { isDefault: true })
    .description('compile for --arch (default amd64) and run main.main; output goes to standard error; FILE - reads standard input')
    .addOption(archOption().default('amd64')))
    .allowExcessArguments(true)
    .action(async (file: string, opts: RawRunOpts & { arch: Arch }, cmd: Command) => {
      oneFile(file, extraArgs(cmd), 'run');
      const ro = runOptions(opts);
      process.exitCode = await runCommand(file, loadSource(file), opts.arch, ro, stderr, traceOption(opts));
    });

  addRunOptions(program.command('explain <file>')
    .description('run with a narration of every stack growth (on stdout): the failed split check, morestack, rewindmorestack, the copy, the adjusted pointers by slot, the resume')
    .addOption(archOption().default('amd64'))
    .option('--verbose', 'every adjusted pointer on a line of its own, not a summary per slot'))
    .allowExcessArguments(true)
    .action(async (file: string, opts: RawRunOpts & { arch: Arch; verbose?: boolean }, cmd: Command) => {
      oneFile(file, extraArgs(cmd), 'explain');
      const ro = runOptions(opts);
      process.exitCode = await explainCommand(file, loadSource(file), opts.arch, { ...ro, verbose: !!opts.verbose }, stdout, stderr, traceOption(opts));
    });

  addRunOptions(program.command('matrix <files...>')
    .description('run every program on every target and hold it against its // expect lines; exit 1 if a cell fails')
    .option('--arch <list>', 'comma-separated targets', ARCHES.join(',')))
    .action((files: string[], opts: RawRunOpts & { arch: string }) => {
      if (opts.stackdebug !== undefined) {
        throw new UsageError('matrix does not take --stackdebug: it shows no program output, and the prints would be judged as output (run one file: gorun --stackdebug N FILE)');
      }
      const arches = opts.arch.split(',').map((a) => a.trim());
      for (const a of arches) if (!ARCHES.includes(a as Arch)) throw new UsageError(`--arch: unknown target ${a} (want ${ARCHES.join(', ')})`);
      const ro = runOptions(opts), trace = traceOption(opts);
      for (const f of files) loadSource(f);
      if (trace !== undefined) checkTraceNames(files);
      process.exitCode = matrixCommand(files, arches as Arch[], ro, stdout, trace);
    });

  program.command('check <file>')
    .description('compile only and print diagnostics (every target unless --arch is given); exit 1 on error')
    .addOption(archOption())
    .allowExcessArguments(true)
    .action((file: string, opts: { arch?: Arch }, cmd: Command) => {
      oneFile(file, extraArgs(cmd), 'check');
      process.exitCode = checkCommand(file, loadSource(file), opts.arch ? [opts.arch] : [...ARCHES], stderr);
    });

  program.command('disasm <file>')
    .description('objdump-style listing: address, encoding, target syntax, source line, frame and stack maps')
    .addOption(archOption().default('amd64'))
    .option('--func <name>', 'list only this function (runtime functions too)')
    .allowExcessArguments(true)
    .action((file: string, opts: { arch: Arch; func?: string }, cmd: Command) => {
      oneFile(file, extraArgs(cmd), 'disasm');
      process.exitCode = disasmCommand(file, loadSource(file), opts.arch, opts.func, stdout, stderr);
    });

  program.command('serve')
    .description('serve the playground (the editor, the VM and the stack picture in a browser) on 127.0.0.1')
    .option('--port <n>', 'the port (0: any free port)', '8080')
    .action(async (opts: { port: string }) => {
      const server = await serve(webRoot(__dirname), portOption(opts.port));
      const addr = server.address();
      const port = typeof addr === 'object' && addr ? addr.port : portOption(opts.port);
      stdout.write(`gorun: the playground is at http://127.0.0.1:${port}/ (Ctrl-C stops)\n`);
      await new Promise<void>((resolve) => {
        const stop = () => server.close(() => resolve());
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
  return program;
}

async function main(argv: string[]): Promise<number> {
  const program = build();
  if (argv.length === 3 && argv[2] === '--examples') {
    // The bundle is dist/gorun-main.cjs: the examples are beside dist/, in the package and in a checkout.
    stdout.write(`${join(__dirname, '..', 'examples')}\n`);
    return 0;
  }
  if (argv.length <= 2) {
    // Bare `gorun`: the usage, as for any usage error on standard error, exit 1.
    stderr.write(program.helpInformation());
    return 1;
  }
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version exit 0; usage errors were already printed by commander.
      return e.exitCode === 0 ? 0 : 1;
    }
    if (e instanceof UsageError) {
      complain(stderr, e.message);
      return 1;
    }
    complain(stderr, `internal error: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}

main(process.argv).then((code) => { process.exitCode = code; });
