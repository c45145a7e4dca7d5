use clap::Parser;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    match nencho_worker::main_with(nencho_worker::WorkerArgs::parse()).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("nencho-worker: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
