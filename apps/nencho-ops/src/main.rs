use clap::Parser;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args = nencho_ops::OpsArgs::parse();
    match nencho_ops::run(
        args,
        &mut std::io::stdin().lock(),
        &mut std::io::stdout().lock(),
    )
    .await
    {
        Ok(()) => std::process::ExitCode::SUCCESS,
        // Bad input to the calculator: its error JSON, and 2 as for any usage error.
        Err(error) => match error.downcast_ref::<nencho_ops::InputRejected>() {
            Some(rejected) => {
                eprintln!("{}", rejected.to_json_line());
                std::process::ExitCode::from(2)
            }
            None => {
                eprintln!("nencho-ops: {error:#}");
                std::process::ExitCode::FAILURE
            }
        },
    }
}
