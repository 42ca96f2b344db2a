fn main() {
    std::process::exit(surveydeck_cli::run());
}

mod surveydeck_cli {
    use std::path::PathBuf;

    use clap::{Parser, Subcommand};
    use surveydeck::diag::Severity;
    use surveydeck::document::{self, LoadOptions};

    #[derive(Parser)]
    #[command(name = "surveydeck", version, about)]
    struct Cli {
        #[command(subcommand)]
        command: Command,
    }

    #[derive(Subcommand)]
    enum Command {
        /// Validate a survey document without writing anything.
        Check { survey: PathBuf },
        /// Print the JSON Schema of the survey format.
        Schema,
    }

    pub fn run() -> i32 {
        let cli = Cli::parse();
        match cli.command {
            Command::Check { survey } => {
                let loaded = document::load(&survey, &LoadOptions::default());
                for d in &loaded.diags.items {
                    eprint!(
                        "{}",
                        d.render(loaded.source.as_ref().map(|s| s.text.as_str()))
                    );
                }
                if loaded.deck.is_some() {
                    0
                } else if loaded.io_failure {
                    3
                } else {
                    1
                }
            }
            Command::Schema => {
                println!("{}", document::json_schema());
                let _ = Severity::Error;
                0
            }
        }
    }
}
