//! A tiny HTTP server for tests that need a hostile or scripted server (error bodies with
//! terminal escapes, LIST replies with `../`): one thread on a free loopback port, one
//! request per connection, every request's head recorded.

/// A tiny HTTP server on a free loopback port, answering each request with `answer(method
/// and path)`; it records every request's head (request line and headers).
pub struct Fake {
    pub addr: String,
    seen: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl Fake {
    pub fn start(answer: impl Fn(&str) -> (u16, String) + Send + 'static) -> Fake {
        use std::io::{BufRead, BufReader, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = format!("http://{}", listener.local_addr().unwrap());
        let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let log = seen.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut head = String::new();
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                        break;
                    }
                    head.push_str(&line);
                }
                let first = head.lines().next().unwrap_or_default().to_string();
                log.lock().unwrap().push(head);
                let (status, body) = answer(&first);
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
            }
        });
        Fake { addr, seen }
    }

    pub fn seen(&self) -> Vec<String> {
        self.seen.lock().unwrap().clone()
    }
}
