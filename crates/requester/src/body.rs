//! Request and response bodies: buffered when small enough to replay for a
//! retry, streamed otherwise; response bodies always streamed, with a limit on
//! each pause.

use std::fmt;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use futures_util::stream::{self, BoxStream, Stream, StreamExt};

/// A body as a stream of chunks.
pub type BodyStream = BoxStream<'static, Result<Bytes, io::Error>>;

/// The body of a call as the caller sends it.
pub struct RequestBody {
    inner: RequestInner,
}

enum RequestInner {
    Bytes(Bytes),
    Stream {
        stream: BoxStream<'static, Result<Bytes, io::Error>>,
        content_length: Option<u64>,
    },
}

impl fmt::Debug for RequestBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.inner {
            RequestInner::Bytes(bytes) => write!(f, "RequestBody::Bytes({} bytes)", bytes.len()),
            RequestInner::Stream { content_length, .. } => {
                write!(f, "RequestBody::Stream(content_length: {content_length:?})")
            }
        }
    }
}

impl RequestBody {
    pub fn empty() -> RequestBody {
        RequestBody::from_bytes(Bytes::new())
    }

    pub fn from_bytes(bytes: impl Into<Bytes>) -> RequestBody {
        RequestBody {
            inner: RequestInner::Bytes(bytes.into()),
        }
    }

    /// Creates a body read as it arrives; `content_length` is the caller's
    /// `Content-Length`, when it sent one.
    pub fn from_stream<S>(stream: S, content_length: Option<u64>) -> RequestBody
    where
        S: Stream<Item = Result<Bytes, io::Error>> + Send + 'static,
    {
        RequestBody {
            inner: RequestInner::Stream {
                stream: stream.boxed(),
                content_length,
            },
        }
    }

    /// Reads up to `max_buffered` bytes into memory. A body that fits becomes
    /// [`PreparedBody::Buffered`] and can be sent twice; a larger one becomes
    /// [`PreparedBody::Streamed`], the bytes already read followed by the rest
    /// of the stream, and can be sent once.
    pub(crate) async fn prepare(self, max_buffered: u64) -> Result<PreparedBody, io::Error> {
        let (mut stream, content_length) = match self.inner {
            RequestInner::Bytes(bytes) => return Ok(PreparedBody::Buffered(bytes)),
            RequestInner::Stream {
                stream,
                content_length,
            } => (stream, content_length),
        };

        if content_length.is_some_and(|length| length > max_buffered) {
            return Ok(PreparedBody::Streamed {
                stream,
                content_length,
            });
        }

        let mut buffer = BytesMut::new();
        while let Some(chunk) = stream.next().await {
            let chunk = chunk?;
            buffer.extend_from_slice(&chunk);
            if buffer.len() as u64 > max_buffered {
                let head = stream::once(async move { Ok(buffer.freeze()) });
                return Ok(PreparedBody::Streamed {
                    stream: head.chain(stream).boxed(),
                    content_length,
                });
            }
        }
        Ok(PreparedBody::Buffered(buffer.freeze()))
    }
}

/// A request body ready to send.
pub(crate) enum PreparedBody {
    /// Held in memory; every attempt sends the same bytes.
    Buffered(Bytes),
    /// Read as it is sent; only one attempt can send it.
    Streamed {
        stream: BoxStream<'static, Result<Bytes, io::Error>>,
        content_length: Option<u64>,
    },
}

impl fmt::Debug for PreparedBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PreparedBody::Buffered(bytes) => write!(f, "Buffered({} bytes)", bytes.len()),
            PreparedBody::Streamed { content_length, .. } => {
                write!(f, "Streamed(content_length: {content_length:?})")
            }
        }
    }
}

/// The body of the endpoint's response, passed on as it arrives.
///
/// Each pause between chunks is limited to the connection's `receiveTimeout`:
/// a longer pause ends the stream with a [`io::ErrorKind::TimedOut`] error and
/// the `on_stall` hook runs once (the call logs and counts it there).
pub struct ResponseBody {
    inner: BoxStream<'static, Result<Bytes, io::Error>>,
    pause_limit: Duration,
    timer: Option<Pin<Box<tokio::time::Sleep>>>,
    on_stall: Option<Box<dyn FnOnce() + Send>>,
    finished: bool,
}

impl fmt::Debug for ResponseBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseBody")
            .field("pause_limit", &self.pause_limit)
            .field("finished", &self.finished)
            .finish_non_exhaustive()
    }
}

impl ResponseBody {
    pub(crate) fn new(
        inner: BoxStream<'static, Result<Bytes, io::Error>>,
        pause_limit: Duration,
        on_stall: Box<dyn FnOnce() + Send>,
    ) -> ResponseBody {
        ResponseBody {
            inner,
            pause_limit,
            timer: None,
            on_stall: Some(on_stall),
            finished: false,
        }
    }

    /// Creates a body already in memory, with no pause limit.
    pub fn from_bytes(bytes: impl Into<Bytes>) -> ResponseBody {
        let bytes: Bytes = bytes.into();
        ResponseBody {
            inner: stream::once(async move { Ok(bytes) }).boxed(),
            pause_limit: Duration::MAX,
            timer: None,
            on_stall: None,
            finished: false,
        }
    }

    /// Reads the whole body into memory; for tests and small bodies only.
    pub async fn collect(mut self) -> Result<Bytes, io::Error> {
        let mut buffer = BytesMut::new();
        while let Some(chunk) = self.next().await {
            buffer.extend_from_slice(&chunk?);
        }
        Ok(buffer.freeze())
    }
}

impl Stream for ResponseBody {
    type Item = Result<Bytes, io::Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        if this.finished {
            return Poll::Ready(None);
        }

        match this.inner.poll_next_unpin(cx) {
            Poll::Ready(item) => {
                this.timer = None;
                match &item {
                    None => this.finished = true,
                    // A stream that reports its own timeout (the hyper
                    // client sets none) is reported like a stall seen here.
                    Some(Err(error)) if error.kind() == io::ErrorKind::TimedOut => {
                        this.finished = true;
                        if let Some(on_stall) = this.on_stall.take() {
                            on_stall();
                        }
                    }
                    Some(_) => {}
                }
                return Poll::Ready(item);
            }
            Poll::Pending => {}
        }

        if this.pause_limit == Duration::MAX {
            return Poll::Pending;
        }
        let pause_limit = this.pause_limit;
        let timer = this
            .timer
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(pause_limit)));
        match timer.as_mut().poll(cx) {
            Poll::Ready(()) => {
                this.finished = true;
                if let Some(on_stall) = this.on_stall.take() {
                    on_stall();
                }
                Poll::Ready(Some(Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    format!(
                        "the endpoint sent no part of the response body for {} ms",
                        pause_limit.as_millis()
                    ),
                ))))
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunks(parts: &[&'static [u8]]) -> impl Stream<Item = Result<Bytes, io::Error>> {
        stream::iter(
            parts
                .iter()
                .map(|part| Ok(Bytes::from_static(part)))
                .collect::<Vec<_>>(),
        )
    }

    #[tokio::test]
    async fn prepare_buffers_small_stream() {
        let body = RequestBody::from_stream(chunks(&[b"ab", b"cd"]), None);

        let prepared = body.prepare(10).await.unwrap();

        assert!(matches!(prepared, PreparedBody::Buffered(ref bytes) if bytes.as_ref() == b"abcd"));
    }

    #[tokio::test]
    async fn prepare_streams_body_over_limit_without_losing_bytes() {
        let body = RequestBody::from_stream(chunks(&[b"abc", b"def", b"gh"]), None);

        let prepared = body.prepare(4).await.unwrap();

        let PreparedBody::Streamed { stream, .. } = prepared else {
            panic!("expected a streamed body");
        };
        let collected: Vec<Bytes> = stream.map(|chunk| chunk.unwrap()).collect().await;
        assert_eq!(collected.concat(), b"abcdefgh");
    }

    #[tokio::test]
    async fn prepare_streams_at_once_when_content_length_is_over_limit() {
        let body = RequestBody::from_stream(chunks(&[b"abcdef"]), Some(6));

        let prepared = body.prepare(4).await.unwrap();

        assert!(matches!(
            prepared,
            PreparedBody::Streamed {
                content_length: Some(6),
                ..
            }
        ));
    }

    #[tokio::test(start_paused = true)]
    async fn response_body_cut_off_after_long_pause() {
        let stalled = stream::once(async { Ok(Bytes::from_static(b"first")) })
            .chain(stream::pending())
            .boxed();
        let stalls = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counter = stalls.clone();
        let mut body = ResponseBody::new(
            stalled,
            Duration::from_secs(2),
            Box::new(move || {
                counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            }),
        );

        let first = body.next().await.unwrap().unwrap();
        let second = body.next().await.unwrap();
        let third = body.next().await;

        assert_eq!(first.as_ref(), b"first");
        assert_eq!(second.unwrap_err().kind(), io::ErrorKind::TimedOut);
        assert!(third.is_none());
        assert_eq!(stalls.load(std::sync::atomic::Ordering::SeqCst), 1);
    }
}
