use std::process::ExitCode;

fn main() -> ExitCode {
    ExitCode::from(poc::run(std::env::args_os()))
}
