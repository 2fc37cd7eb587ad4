//! `tansiq user …` and `tansiq agency …`: administration of a stopped centre's directory,
//! written as events to its log like everything else (so the audit trail shows them).

use std::io::BufRead;
use std::path::Path;
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{Context, bail};
use engine::Directory;
use model::{Agency, AgencyId, AgencyKind, Event, EventKind, Role, Time, UserRecord};
use store::{EventLog, RedbLog};

fn now() -> Time {
    Time(SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0))
}

/// The log of `data` and the directory folded from it: these commands read nothing else, so
/// they fold nothing else (a whole refold would need the centre's configuration).
fn open(data: &Path) -> anyhow::Result<(RedbLog, Directory)> {
    std::fs::create_dir_all(data).with_context(|| format!("cannot create {}", data.display()))?;
    let path = data.join("log.redb");
    let log = RedbLog::open(&path).with_context(|| {
        format!("cannot open the log in {} (is a centre running on this folder?)", data.display())
    })?;
    let mut directory = Directory::default();
    log.scan(0, &mut |record| {
        directory.apply(record.event.time, &record.event.kind);
        true
    })?;
    Ok((log, directory))
}

fn append(log: &mut RedbLog, kind: EventKind) -> anyhow::Result<()> {
    log.append(&[Event { time: now(), kind }])?;
    Ok(())
}

/// The first line of stdin, without its line ending.
pub(crate) fn read_password() -> anyhow::Result<String> {
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).context("cannot read the password from stdin")?;
    let password = line.trim_end_matches(['\r', '\n']).to_string();
    if password.is_empty() {
        bail!("the password (first line of stdin) is empty");
    }
    Ok(password)
}

pub fn agency_add(
    data: &Path,
    id: &str,
    name_en: &str,
    name_ar: &str,
    kind: AgencyKind,
) -> anyhow::Result<ExitCode> {
    if id.is_empty()
        || id.len() > 32
        || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        bail!("agency id {id:?} must be 1-32 letters, digits, '-' or '_'");
    }
    let (mut log, _) = open(data)?;
    let agency =
        Agency { id: AgencyId::new(id), name_en: name_en.into(), name_ar: name_ar.into(), kind };
    append(&mut log, EventKind::AgencyRegistered(agency))?;
    println!("agency {id} registered");
    Ok(ExitCode::SUCCESS)
}

pub fn agency_list(data: &Path) -> anyhow::Result<ExitCode> {
    let (_, directory) = open(data)?;
    for a in directory.agencies() {
        println!("{}\t{:?}\t{}\t{}", a.id, a.kind, a.name_en, a.name_ar);
    }
    Ok(ExitCode::SUCCESS)
}

pub fn user_add(
    data: &Path,
    username: &str,
    agency: &str,
    roles: &[Role],
) -> anyhow::Result<ExitCode> {
    if username.is_empty() || username.len() > 128 || username.chars().any(char::is_whitespace) {
        bail!("user name {username:?} must be 1-128 characters without spaces");
    }
    if roles.is_empty() {
        bail!("give at least one --role");
    }
    let (mut log, directory) = open(data)?;
    if directory.agency(&AgencyId::new(agency)).is_none() {
        bail!("unknown agency {agency}: add it first with `tansiq agency add`");
    }
    if directory.user(username).is_some() {
        bail!("user {username} exists: use `tansiq user passwd` or `disable`");
    }
    let password_hash = server::auth::hash_password(&read_password()?)?;
    let user = UserRecord {
        username: username.into(),
        agency: AgencyId::new(agency),
        roles: roles.iter().copied().collect(),
        password_hash,
        disabled: false,
    };
    append(&mut log, EventKind::UserRegistered(user))?;
    println!("user {username} added to {agency}");
    Ok(ExitCode::SUCCESS)
}

pub fn user_passwd(data: &Path, username: &str) -> anyhow::Result<ExitCode> {
    let (mut log, directory) = open(data)?;
    if directory.user(username).is_none() {
        bail!("no user {username}");
    }
    let password_hash = server::auth::hash_password(&read_password()?)?;
    append(&mut log, EventKind::PasswordChanged { username: username.into(), password_hash })?;
    println!("password of {username} changed; their sessions are closed");
    Ok(ExitCode::SUCCESS)
}

pub fn user_disable(data: &Path, username: &str) -> anyhow::Result<ExitCode> {
    let (mut log, directory) = open(data)?;
    if directory.user(username).is_none() {
        bail!("no user {username}");
    }
    append(
        &mut log,
        EventKind::UserDisabled { username: username.into(), actor: "tansiq user disable".into() },
    )?;
    println!("user {username} disabled; their sessions are closed");
    Ok(ExitCode::SUCCESS)
}

pub fn user_list(data: &Path) -> anyhow::Result<ExitCode> {
    let (_, directory) = open(data)?;
    for u in directory.users() {
        let roles: Vec<&str> = u.roles.iter().map(|r| r.as_str()).collect();
        let state = if u.disabled { "disabled" } else { "active" };
        println!("{}\t{}\t{}\t{state}", u.username, u.agency, roles.join(","));
    }
    Ok(ExitCode::SUCCESS)
}
