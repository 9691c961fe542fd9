//! The command line: arguments, progress display, and what each command prints.
//!
//! This is the binary's layer: the only library module that prints. Each
//! command returns an [`Outcome`]'s exit code; errors go back to `main`, which
//! prints them with their causes.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use clap::{Parser, Subcommand, ValueEnum};

use crate::error::{Diagnostic, Error, Severity};
use crate::pipeline::{self, BuildOptions, Progress};

/// blason: a static site generator for territorial brand sites.
#[derive(Debug, Parser)]
#[command(name = "blason", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write a new site (the example content and blason.toml) into DIR.
    Init {
        /// An empty or new folder.
        dir: PathBuf,
        /// A bare site (blason.toml and a home page) instead of the example.
        #[arg(long)]
        bare: bool,
    },
    /// Build the site into OUT (default ROOT/public), atomically.
    Build {
        /// The site folder (with blason.toml).
        #[arg(default_value = ".")]
        root: PathBuf,
        /// Output folder.
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Publish at this address instead of blason.toml's base_url.
        #[arg(long)]
        base_url: Option<String>,
        /// Include pages with draft = true.
        #[arg(long)]
        drafts: bool,
        /// Write a JSON build report to FILE.
        #[arg(long, value_name = "FILE")]
        report: Option<PathBuf>,
        /// Remove the cache entries this build did not use (images, cards, maps, map tiles).
        #[arg(long)]
        prune_cache: bool,
        /// Also write FILE.br and FILE.gz beside every text file (HTML, CSS,
        /// JS, XML, JSON, SVG, iCalendar…), for servers that send them as they
        /// are (docs/deploy.md).
        #[arg(long)]
        compress: bool,
    },
    /// Build into memory, serve on localhost, rebuild and reload the browser on every save.
    Serve {
        /// The site folder (with blason.toml).
        #[arg(default_value = ".")]
        root: PathBuf,
        /// Port (default 1111, or the next free one).
        #[arg(short, long)]
        port: Option<u16>,
        /// Address to listen on (default 127.0.0.1; another one shows the site to your network).
        #[arg(long, value_name = "ADDR")]
        bind: Option<std::net::IpAddr>,
        /// Open the site in your browser.
        #[arg(long)]
        open: bool,
        /// After you save a page's markdown, take the browser to that page.
        #[arg(long)]
        follow: bool,
        /// Include pages with draft = true.
        #[arg(long)]
        drafts: bool,
        /// After each build, print how many milliseconds each stage took.
        #[arg(long)]
        timings: bool,
    },
    /// Report problems without writing the output folder.
    Check {
        #[arg(default_value = ".")]
        root: PathBuf,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Treat warnings as errors.
        #[arg(long)]
        strict: bool,
    },
    /// Download the feeds of `[[data]]` and the photos they use into the site (the only command that uses the network).
    Sync {
        /// The site folder (with blason.toml).
        #[arg(default_value = ".")]
        root: PathBuf,
        /// Give up on a server silent for this many seconds (connecting or reading); each download is tried 3 times.
        #[arg(long, value_name = "SECONDS", default_value_t = 30)]
        timeout: u64,
        /// Remove the downloaded files no object uses any more.
        #[arg(long)]
        prune: bool,
        /// Also write the report as JSON on standard output.
        #[arg(long)]
        json: bool,
    },
    /// Write a page bundle: `blason new tourisme/lac` writes content/tourisme/lac/index.md.
    New {
        /// Path relative to content/.
        path: String,
        /// The site folder.
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Write pending community post files from a saved API response.
    Import {
        /// The network the response comes from.
        #[arg(value_enum)]
        network: ImportNetwork,
        /// A saved response: Mastodon GET /api/v1/timelines/tag/HASHTAG, or Bluesky app.bsky.feed.searchPosts.
        file: PathBuf,
        /// The site folder (posts go to ROOT/community/).
        #[arg(default_value = ".")]
        root: PathBuf,
    },
    /// Write the community manager's desk (moderation and ambassadors pages) into OUT, outside the site.
    Desk {
        /// The site folder (with blason.toml).
        #[arg(default_value = ".")]
        root: PathBuf,
        /// The desk folder (default ROOT/desk); never inside the site's output.
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Theme commands.
    Theme {
        #[command(subcommand)]
        command: ThemeCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum ThemeCommand {
    /// Copy the built-in theme into ROOT/themes/postale/ for editing.
    Eject {
        #[arg(default_value = ".")]
        root: PathBuf,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ImportNetwork {
    Mastodon,
    Bluesky,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

/// "Now": SOURCE_DATE_EPOCH when set (reproducible builds), else the clock.
pub fn now() -> Result<jiff::Timestamp, Error> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(v) => v
            .trim()
            .parse::<i64>()
            .ok()
            .and_then(|s| jiff::Timestamp::from_second(s).ok())
            .ok_or_else(|| {
                Error::Usage(format!(
                    "SOURCE_DATE_EPOCH=`{v}` is not a number of seconds"
                ))
            }),
        Err(_) => Ok(jiff::Timestamp::now()),
    }
}

/// A progress bar on a terminal.
struct Bar {
    bar: Mutex<Option<indicatif::ProgressBar>>,
}

impl Progress for Bar {
    fn stage(&self, name: &'static str, items: u64) {
        let mut guard = self.bar.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(b) = guard.take() {
            b.finish_and_clear();
        }
        let b = indicatif::ProgressBar::new(items);
        b.set_style(
            indicatif::ProgressStyle::with_template("{msg:>10} [{bar:30}] {pos}/{len}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        b.set_message(name);
        *guard = Some(b);
    }
    fn advance(&self, n: u64) {
        if let Some(b) = self.bar.lock().unwrap_or_else(|p| p.into_inner()).as_ref() {
            b.inc(n);
        }
    }
    fn note(&self, message: &str) {
        match self.bar.lock().unwrap_or_else(|p| p.into_inner()).as_ref() {
            Some(b) => b.println(message),
            None => eprintln!("{message}"),
        }
    }
}

/// No progress bar (not a terminal): notes only.
struct Notes;

impl Progress for Notes {
    fn note(&self, message: &str) {
        eprintln!("{message}");
    }
}

impl Bar {
    fn done(&self) {
        if let Some(b) = self.bar.lock().unwrap_or_else(|p| p.into_inner()).take() {
            b.finish_and_clear();
        }
    }
}

fn print_warnings(warnings: &[Diagnostic]) {
    for w in warnings {
        eprintln!("{w}");
    }
}

/// Runs a command; returns the exit code on success.
pub fn run(cli: Cli) -> Result<u8, Error> {
    match cli.command {
        Command::Init { dir, bare } => {
            let start = if bare {
                crate::scaffold::Start::Bare
            } else {
                crate::scaffold::Start::Example
            };
            let files = crate::scaffold::init(&dir, start)?;
            println!(
                "wrote a new site in {} ({} files)",
                dir.display(),
                files.len()
            );
            println!("next: blason build {}", dir.display());
            Ok(0)
        }
        Command::Build {
            root,
            output,
            base_url,
            drafts,
            report,
            prune_cache,
            compress,
        } => build(
            BuildOptions {
                root,
                out: output,
                base_url,
                drafts,
                prune_cache,
                compress,
                now: now()?,
            },
            report,
        ),
        Command::Serve {
            root,
            port,
            bind,
            open,
            follow,
            drafts,
            timings,
        } => {
            let fixed_now = std::env::var_os("SOURCE_DATE_EPOCH")
                .map(|_| now())
                .transpose()?;
            let say = |line: &str| {
                eprintln!("{line}");
            };
            crate::serve::serve(
                crate::serve::ServeOptions {
                    root,
                    port,
                    bind,
                    drafts,
                    open,
                    follow,
                    timings,
                    now: fixed_now,
                },
                &say,
            )?;
            Ok(0)
        }
        Command::Check {
            root,
            format,
            strict,
        } => check(root, format, strict),
        Command::Sync {
            root,
            timeout,
            prune,
            json,
        } => sync(root, timeout, prune, json),
        Command::New { path, root } => {
            let today = now()?.to_zoned(jiff::tz::TimeZone::UTC).date();
            let file = crate::scaffold::new_page(&root, &path, today)?;
            println!("wrote {}", file.display());
            Ok(0)
        }
        Command::Import {
            network,
            file,
            root,
        } => import(network, &file, &root),
        Command::Desk { root, output } => {
            let done = pipeline::desk(&root, output.as_deref(), now()?)?;
            println!(
                "wrote {} in {}: {} post(s) waiting for consent, {} right(s) ending within 30 days, {} published post(s) without terms, {} ambassador(s); keep this folder private",
                done.files.join(", "),
                done.folder.display(),
                done.pending,
                done.expiring,
                done.without_terms,
                done.ambassadors
            );
            Ok(0)
        }
        Command::Theme {
            command: ThemeCommand::Eject { root },
        } => {
            let dest = crate::scaffold::eject_theme(&root)?;
            println!(
                "copied the built-in theme to {}; edit it there",
                dest.display()
            );
            Ok(0)
        }
    }
}

/// `blason build`: with a progress bar on a terminal, the report if asked.
fn build(opts: BuildOptions, report: Option<PathBuf>) -> Result<u8, Error> {
    let tty = std::io::stderr().is_terminal();
    let bar = Bar {
        bar: Mutex::new(None),
    };
    let result = if tty {
        let r = pipeline::build(&opts, &bar);
        bar.done();
        r
    } else {
        pipeline::build(&opts, &Notes)
    };
    let rep = result?;
    print_warnings(&rep.warnings);
    if let Some(path) = report {
        let json = serde_json::to_string_pretty(&rep).unwrap_or_default();
        std::fs::write(&path, json + "\n").map_err(|e| {
            Diagnostic::io(
                &path,
                std::path::Path::new(""),
                "write the build report",
                &e,
            )
        })?;
    }
    eprintln!("{}", rep.summary());
    Ok(0)
}

/// `blason check`: every diagnostic on stderr, and as JSON on stdout if asked.
fn check(root: PathBuf, format: Format, strict: bool) -> Result<u8, Error> {
    let opts = BuildOptions {
        root,
        out: None,
        base_url: None,
        drafts: false,
        prune_cache: false,
        compress: false,
        now: now()?,
    };
    // How the site measures its audience, said whatever else is found.
    let measurement = crate::config::Config::load(&opts.root)
        .ok()
        .map(|c| c.measurement());
    let pipeline::CheckReport {
        diagnostics: diags,
        translations,
    } = pipeline::check_report(&opts);
    let errors = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = diags.len() - errors;
    for d in &diags {
        eprintln!("{d}");
    }
    if let Some(mode) = measurement {
        eprintln!("{}", measurement_line(mode));
    }
    eprintln!("{errors} error(s), {warnings} warning(s)");
    if format == Format::Json {
        let json = serde_json::json!({
            "version": 1,
            "errors": errors,
            "warnings": warnings,
            "diagnostics": diags,
            "translations": translations,
            "measurement": measurement,
        });
        println!(
            "{}",
            serde_json::to_string_pretty(&json).unwrap_or_default()
        );
    }
    Ok(if errors > 0 || (strict && warnings > 0) {
        1
    } else {
        0
    })
}

/// What `check` says of the site's audience measurement (docs/analytics.md).
fn measurement_line(mode: &str) -> &'static str {
    match mode {
        "exempt" => {
            "measurement: exempt (Matomo set as the CNIL's consent exemption asks: no consent banner needed; share links and QR codes carry no utm_* parameters)"
        }
        "consent" => {
            "measurement: consent ([analytics] exempt = false: share links carry utm_* parameters, and the site needs a consent banner before Matomo runs)"
        }
        _ => {
            "measurement: none (no [analytics]: nothing is measured; share links carry no utm_* parameters)"
        }
    }
}

/// `blason sync`: feeds and photos downloaded, a line per feed, every
/// failure listed; exit code 1 when anything could not be done.
fn sync(root: PathBuf, timeout: u64, prune: bool, json: bool) -> Result<u8, Error> {
    if timeout == 0 {
        return Err(Error::Usage(
            "--timeout must be at least 1 second".to_string(),
        ));
    }
    let mut opts = crate::sync::SyncOptions::new(root);
    opts.timeout = std::time::Duration::from_secs(timeout);
    opts.prune = prune;
    let bar = Bar {
        bar: Mutex::new(None),
    };
    let result = if std::io::stderr().is_terminal() {
        let r = crate::sync::sync(&opts, &bar);
        bar.done();
        r
    } else {
        crate::sync::sync(&opts, &Notes)
    };
    let report = match result {
        Ok(r) => r,
        Err(Error::Usage(m)) => return Err(Error::Usage(m)),
        Err(e) => {
            for d in e.diagnostics() {
                eprintln!("{d}");
            }
            eprintln!("nothing was downloaded");
            return Ok(1);
        }
    };
    if report.feeds.is_empty() && report.tiles.is_none() {
        eprintln!(
            "nothing to sync: blason.toml has no [[data]] feed (docs/data.md says how to add one) and no [maps] tiles (docs/trails.md)"
        );
    }
    for d in &report.errors {
        eprintln!("{d}");
    }
    for f in &report.failures {
        let status = f.status.map(|s| format!(" [{s}]")).unwrap_or_default();
        eprintln!(
            "failed{status}: {} ({} of object {} in `{}`): {}",
            f.url,
            match f.kind {
                crate::sync::MediaKind::Image => "a photo",
                crate::sync::MediaKind::Track => "the track",
            },
            f.object,
            f.feed,
            f.message
        );
    }
    for line in report.summary() {
        eprintln!("{line}");
    }
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&report).unwrap_or_default()
        );
    }
    Ok(if report.ok() { 0 } else { 1 })
}

/// `blason import`: pending post files from a saved API response.
fn import(network: ImportNetwork, file: &Path, root: &Path) -> Result<u8, Error> {
    let network = match network {
        ImportNetwork::Mastodon => crate::community::Network::Mastodon,
        ImportNetwork::Bluesky => crate::community::Network::Bluesky,
    };
    if !root.join("blason.toml").is_file() {
        return Err(Error::Usage(format!(
            "{} is not a blason site (no blason.toml); give the site folder after the file",
            root.display()
        )));
    }
    let done = crate::community::import::import(root, network, file).map_err(Error::Site)?;
    print_warnings(&done.skipped);
    for f in &done.written {
        println!("wrote {f}");
    }
    println!(
        "imported {} post(s) as pending, {} already there, {} left out; publish one by setting consent = true and status = \"approved\" once its author agreed",
        done.written.len(),
        done.already,
        done.skipped.len()
    );
    Ok(0)
}
