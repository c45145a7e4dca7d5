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
        Err(error) => {
            match error.downcast_ref::<nencho_ops::InputRejected>() {
                // Bad input to the calculator: its error JSON, as the web API answers it.
                Some(rejected) => eprintln!("{}", rejected.to_json_line()),
                None => eprintln!("nencho-ops: {error:#}"),
            }
            std::process::ExitCode::from(nencho_ops::exit_code(&error))
        }
    }
}
