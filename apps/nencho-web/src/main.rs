use clap::Parser;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    match nencho_web::main_with(nencho_web::WebArgs::parse()).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(error = format!("{error:#}"), "nencho-web failed");
            eprintln!("nencho-web: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
