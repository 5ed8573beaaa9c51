mod device;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

/// Evidence-graded cyber attribution.
#[derive(Debug, Parser)]
#[command(name = "ascribe", version)]
struct Cli {
    /// Database path.
    #[arg(long, global = true, env = "ASCRIBE_DB", default_value = "ascribe.db")]
    db: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Vet USB devices (gifts) against what they claim to be.
    #[command(subcommand)]
    Device(device::DeviceCmd),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let res = match cli.command {
        Command::Device(cmd) => device::run(cmd, &cli.db),
    };
    match res {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}
