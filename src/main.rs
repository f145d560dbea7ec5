use std::process::ExitCode;

fn main() -> ExitCode {
    poc::complete_if_asked();
    ExitCode::from(poc::run(std::env::args_os()))
}
