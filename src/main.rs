//! The `blason` command: parse the arguments, run, print the error chain, exit.
use std::process::ExitCode;

use clap::Parser;

// The build allocates many small strings and values on two threads; glibc
// malloc was a sixth of a build's samples.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = blason::Cli::parse();
    // The pool's threads under a name of their own in `ps`, `top` and
    // `perf`; unnamed, each took the name of the thread that first used
    // the pool. Nothing made a pool before: this fails only when the
    // system refuses threads, which no command can work without.
    if let Err(e) = rayon::ThreadPoolBuilder::new()
        .thread_name(|i| format!("blason-pool-{i}"))
        .build_global()
    {
        eprintln!(
            "error: blason cannot start its build threads, the system refused them ({e}); close other programs, or raise the limit on processes"
        );
        return ExitCode::from(1);
    }
    match blason::run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(blason::Error::Usage(msg)) => {
            eprintln!("error: {msg}");
            ExitCode::from(2)
        }
        Err(err) => {
            eprintln!("{err}");
            let n = err.diagnostics().len();
            if n > 1 {
                eprintln!("{n} errors; the previous output was left as it was");
            } else {
                eprintln!("the build failed; the previous output was left as it was");
            }
            ExitCode::from(1)
        }
    }
}
