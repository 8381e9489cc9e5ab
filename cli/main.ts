// The gorun command line (CLI.md). Parsing and printing only: the work is
// done by compiler/ (and, later, vm/ and runtime/).
import { Command, CommanderError, Option } from 'commander';
import { ARCHES, type Arch } from '../isa/target.js';
import { checkCommand, disasmCommand, loadSource, UsageError } from './commands.js';

const VERSION = '0.1.0';

const archOption = () => new Option('--arch <arch>', 'target architecture').choices(ARCHES as string[]);

function build(): Command {
  const program = new Command('gorun')
    .description('Run gasm programs on an emulated Go runtime (amd64, 386, arm).')
    .version(VERSION, '--version')
    .showSuggestionAfterError()
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s), writeOut: (s) => process.stdout.write(s) });

  program.command('run <file>', { isDefault: true })
    .description('compile for --arch (default amd64) and run (not available yet: the VM and runtime are still to be built)')
    .addOption(archOption())
    .allowExcessArguments(true)
    .action(() => {
      throw new UsageError('running programs is not implemented yet; `gorun check` and `gorun disasm` are (see docs/status.md)');
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
