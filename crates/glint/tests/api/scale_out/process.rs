//! Running the real `glint` binary as a separate process, configured only through `GLINT_*`
//! environment variables, as an operator would run N instances behind a load balancer.

use glint::config::Config;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// One `glint serve` process; killed when dropped.
pub struct Instance {
    child: Child,
    pub address: String,
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Instance {
    /// `kill -9`: the process dies at once, mid-whatever it was doing.
    pub fn kill_hard(&mut self) {
        self.child.kill().expect("SIGKILL");
        self.child.wait().expect("reaped");
    }

    /// Sends SIGTERM (graceful shutdown) and returns at once.
    pub fn terminate(&self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success(), "kill -TERM failed");
    }

    /// Waits (off the async runtime) for the process to exit; its exit status.
    pub async fn wait_exit(&mut self) -> std::process::ExitStatus {
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return status;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }

    /// `host:port` of the listener.
    pub fn socket_address(&self) -> String {
        self.address.trim_start_matches("http://").to_owned()
    }
}

/// The environment that makes `glint serve` use `config`'s back ends (everything but the
/// address and data directory, which are flags). Secrets travel here, never on the command line.
fn environment(config: &Config) -> Vec<(String, String)> {
    let db = &config.database;
    let store = &config.store;
    let mut env = vec![
        ("GLINT_DATABASE__URL".to_owned(), config.database_url()),
        (
            "GLINT_DATABASE__MAX_CONNECTIONS".to_owned(),
            db.max_connections.to_string(),
        ),
        (
            "GLINT_DATABASE__ACQUIRE_TIMEOUT_SECS".to_owned(),
            db.acquire_timeout_secs.to_string(),
        ),
        ("GLINT_STORE__URL".to_owned(), config.store_url()),
        (
            "GLINT_SCRUB__INTERVAL_SECS".to_owned(),
            config.scrub.interval_secs.to_string(),
        ),
        (
            "GLINT_SCRUB__LEASE_SECS".to_owned(),
            config.scrub.lease_secs.to_string(),
        ),
        (
            "GLINT_SCRUB__ORPHAN_MIN_AGE_SECS".to_owned(),
            config.scrub.orphan_min_age_secs.to_string(),
        ),
        (
            "GLINT_SHUTDOWN_GRACE_SECS".to_owned(),
            config.shutdown_grace_secs.to_string(),
        ),
        (
            "GLINT_STORE__ALLOW_HTTP".to_owned(),
            store.allow_http.to_string(),
        ),
    ];
    let optional = [
        ("GLINT_STORE__ENDPOINT", store.endpoint.clone()),
        ("GLINT_STORE__ACCESS_KEY_ID", store.access_key_id.clone()),
        (
            "GLINT_STORE__SECRET_ACCESS_KEY",
            store.secret_access_key.as_ref().map(|s| s.0.clone()),
        ),
    ];
    for (name, value) in optional {
        if let Some(value) = value {
            env.push((name.to_owned(), value));
        }
    }
    env
}

/// Starts `glint serve` on a free loopback port with `config`'s back ends and returns once it
/// listens (its JSON log line `glint listening` names the address).
pub async fn start(config: &Config) -> Instance {
    let mut command = Command::new(env!("CARGO_BIN_EXE_glint"));
    command
        .args(["--log-json", "serve", "--bind", "127.0.0.1:0", "--data-dir"])
        .arg(&config.data_dir)
        .env("RUST_LOG", "info")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    // Only what this test sets: no stray GLINT_* from the caller's environment.
    for (name, _) in std::env::vars() {
        if name.starts_with("GLINT_") {
            command.env_remove(name);
        }
    }
    command.envs(environment(config));
    let mut child = command.spawn().expect("glint starts");
    let stdout = child.stdout.take().expect("stdout");
    let (ready, address) = tokio::sync::oneshot::channel();
    // Reads the log until the address shows, then keeps draining it so the child never blocks.
    std::thread::spawn(move || {
        let mut ready = Some(ready);
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if let Some(sender) = ready.take_if(|_| line.contains("glint listening")) {
                let parsed: serde_json::Value = serde_json::from_str(&line).unwrap_or_default();
                let address = parsed["fields"]["address"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned();
                let _ = sender.send(address);
            }
        }
    });
    let address = address
        .await
        .expect("glint exited before listening (see its stderr above)");
    assert!(!address.is_empty(), "no address in the start-up log line");
    Instance {
        child,
        address: format!("http://{address}"),
    }
}
