// The gorun command line (docs/cli.md). Parsing and printing only: the work is
// done by compiler/ (and, later, vm/ and runtime/).
import { Command, CommanderError, Option } from 'commander';
import { ARCHES, type Arch } from '../isa/target.js';
import { checkCommand, disasmCommand, explainCommand, loadSource, matrixCommand, runCommand, UsageError } from './commands.js';
import { addRunOptions, runOptions, traceOption, type RawRunOpts } from './options.js';
import { portOption, serve, webRoot } from './serve.js';
import { checkTraceNames } from './tracefile.js';

const VERSION = '0.1.0';

const archOption = () => new Option('--arch <arch>', 'target architecture').choices(ARCHES as string[]);

function build(): Command {
  const program = new Command('gorun')
    .description('Run gasm programs on an emulated Go runtime (amd64, 386, arm).')
    .version(VERSION, '--version')
    .showSuggestionAfterError()
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s), writeOut: (s) => process.stdout.write(s) });

  addRunOptions(program.command('run <file>', { isDefault: true })
    .description('compile for --arch (default amd64) and run main.main; output goes to standard error')
    .addOption(archOption().default('amd64')))
    .allowExcessArguments(true)
    .action((file: string, opts: RawRunOpts & { arch: Arch }) => {
      const ro = runOptions(opts);
      process.exitCode = runCommand(file, loadSource(file), opts.arch, ro, process.stderr, traceOption(opts));
    });

  addRunOptions(program.command('explain <file>')
    .description('run with a narration of every stack growth (on stdout): the failed split check, morestack, rewindmorestack, the copy, each adjusted pointer, the resume')
    .addOption(archOption().default('amd64')))
    .action((file: string, opts: RawRunOpts & { arch: Arch }) => {
      const ro = runOptions(opts);
      process.exitCode = explainCommand(file, loadSource(file), opts.arch, ro, process.stdout, process.stderr, traceOption(opts));
    });

  addRunOptions(program.command('matrix <files...>')
    .description('run every program on every target and hold it against its // expect lines; exit 1 if a cell fails')
    .option('--arch <list>', 'comma-separated targets', ARCHES.join(',')))
    .action((files: string[], opts: RawRunOpts & { arch: string }) => {
      const arches = opts.arch.split(',').map((a) => a.trim());
      for (const a of arches) if (!ARCHES.includes(a as Arch)) throw new UsageError(`--arch: unknown target ${a} (want ${ARCHES.join(', ')})`);
      for (const f of files) loadSource(f);
      const ro = runOptions(opts), trace = traceOption(opts);
      if (trace !== undefined) checkTraceNames(files);
      process.exitCode = matrixCommand(files, arches as Arch[], ro, process.stdout, trace);
    });

  program.command('check <file>')
    .description('compile only and print diagnostics (every target unless --arch is given); exit 1 on error')
    .addOption(archOption())
    .action((file: string, opts: { arch?: Arch }) => {
      const src = loadSource(file);
      process.exitCode = checkCommand(file, src, opts.arch ? [opts.arch] : [...ARCHES], process.stderr);
    });

  program.command('disasm <file>')
    .description('objdump-style listing: address, encoding, target syntax, source line, frame and stack maps')
    .addOption(archOption().default('amd64'))
    .option('--func <name>', 'list only this function (runtime functions too)')
    .action((file: string, opts: { arch: Arch; func?: string }) => {
      const src = loadSource(file);
      process.exitCode = disasmCommand(file, src, opts.arch, opts.func, process.stdout, process.stderr);
    });

  program.command('serve')
    .description('serve the playground (the editor, the VM and the stack picture in a browser) on 127.0.0.1')
    .option('--port <n>', 'the port (0: any free port)', '8080')
    .action(async (opts: { port: string }) => {
      const server = await serve(webRoot(__dirname), portOption(opts.port));
      const addr = server.address();
      const port = typeof addr === 'object' && addr ? addr.port : portOption(opts.port);
      process.stdout.write(`gorun: the playground is at http://127.0.0.1:${port}/ (Ctrl-C stops)\n`);
      await new Promise<void>((resolve) => {
        const stop = () => server.close(() => resolve());
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
  return program;
}

async function main(argv: string[]): Promise<number> {
  try {
    await build().parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version exit 0; usage errors were already printed by commander.
      return e.exitCode === 0 ? 0 : 1;
    }
    if (e instanceof UsageError) {
      process.stderr.write(`gorun: ${e.message}\n`);
      return 1;
    }
    process.stderr.write(`gorun: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}

main(process.argv).then((code) => { process.exitCode = code; });
