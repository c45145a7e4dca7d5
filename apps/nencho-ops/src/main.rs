use clap::Parser;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args = nencho_ops::OpsArgs::parse();
    match nencho_ops::run(args, &mut std::io::stdout().lock()).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("nencho-ops: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
