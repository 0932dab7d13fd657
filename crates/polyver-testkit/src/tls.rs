//! A real HTTPS server for tests of certificate handling: `openssl s_server -WWW` serving a
//! directory, with a certificate signed by a throwaway CA (both made with the `openssl` CLI).
//!
//! A TLS-inspecting proxy presents exactly this to a client: a valid chain ending in a CA the
//! public root programs do not know. Tests prove the client rejects it by default and
//! accepts it once told about the CA (`--ca-cert`, `SSL_CERT_FILE`).

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// A running `openssl s_server`; stopped on drop.
pub struct HttpsServer {
    child: Child,
    port: u16,
    dir: PathBuf,
    ca: PathBuf,
}

impl HttpsServer {
    /// Starts a server for `https://127.0.0.1:PORT/` whose files are under [`Self::root`]
    /// (`dir/www`). `None` when `openssl` is missing (the caller skips through
    /// [`crate::skip`]).
    pub fn start(dir: &Path) -> Option<HttpsServer> {
        if Command::new("openssl").arg("version").output().is_err() {
            return None;
        }
        let run = |args: &[&str]| {
            let out = Command::new("openssl")
                .args(args)
                .current_dir(dir)
                .output()
                .expect("openssl runs");
            assert!(
                out.status.success(),
                "openssl {args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        };
        run(&[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=polyver test CA",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
        ]);
        run(&[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            "/CN=127.0.0.1",
            "-keyout",
            "server.key",
            "-out",
            "server.csr",
        ]);
        std::fs::write(
            dir.join("ext.cnf"),
            "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n\
             extendedKeyUsage=serverAuth\n",
        )
        .unwrap();
        run(&[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-days",
            "2",
            "-extfile",
            "ext.cnf",
            "-out",
            "server.pem",
        ]);
        let www = dir.join("www");
        std::fs::create_dir_all(&www).unwrap();
        // A free port: bound, read and released; s_server takes it a moment later.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new("openssl")
            .args(["s_server", "-WWW", "-quiet", "-naccept", "1000", "-accept"])
            .arg(format!("127.0.0.1:{port}"))
            .args(["-cert", "../server.pem", "-key", "../server.key"])
            .current_dir(&www)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("openssl s_server starts");
        // Listening once a connection is accepted (s_server -quiet says nothing).
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                std::time::Instant::now() < deadline,
                "openssl s_server did not listen on port {port}"
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        Some(HttpsServer {
            child,
            port,
            dir: www,
            ca: dir.join("ca.pem"),
        })
    }

    /// `https://127.0.0.1:PORT` (no trailing slash).
    pub fn base_url(&self) -> String {
        format!("https://127.0.0.1:{}", self.port)
    }

    /// The directory served at `/`.
    pub fn root(&self) -> &Path {
        &self.dir
    }

    /// The PEM file of the CA that signed the server's certificate.
    pub fn ca_pem(&self) -> &Path {
        &self.ca
    }
}

impl Drop for HttpsServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
