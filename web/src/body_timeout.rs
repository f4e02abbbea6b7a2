//! A request body that stops arriving is dropped: each chunk must come within the timeout,
//! else the body ends in an error and the request is answered 408 and closed. Without it a
//! client could send headers, then a trickle (or nothing), and hold a worker's connection
//! forever; actix bounds only the time to read the request head.

use std::future::{ready, Future, Ready};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use actix_web::body::EitherBody;
use actix_web::dev::{Payload, Service, ServiceRequest, ServiceResponse, Transform};
use actix_web::error::PayloadError;
use actix_web::http::StatusCode;
use actix_web::web::Bytes;
use actix_web::{Error, HttpMessage, HttpResponse};
use futures_core::Stream;
use tokio::time::{sleep, Instant, Sleep};

/// How long the server waits for the next chunk of a body, unless `MIERU_BODY_TIMEOUT_MS`
/// says otherwise.
pub const DEFAULT_BODY_TIMEOUT: Duration = Duration::from_secs(10);

/// The timeout from `MIERU_BODY_TIMEOUT_MS`, else [`DEFAULT_BODY_TIMEOUT`].
pub fn configured() -> Duration {
    std::env::var("MIERU_BODY_TIMEOUT_MS")
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .filter(|ms| *ms > 0)
        .map_or(DEFAULT_BODY_TIMEOUT, Duration::from_millis)
}

/// The middleware: wrap the app with `BodyTimeout::new(timeout)`.
#[derive(Debug, Clone, Copy)]
pub struct BodyTimeout {
    timeout: Duration,
}

impl BodyTimeout {
    pub fn new(timeout: Duration) -> Self {
        Self { timeout }
    }
}

impl<S, B> Transform<S, ServiceRequest> for BodyTimeout
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    B: 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = Error;
    type Transform = BodyTimeoutService<S>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, Self::InitError>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(BodyTimeoutService {
            service,
            timeout: self.timeout,
        }))
    }
}

pub struct BodyTimeoutService<S> {
    service: S,
    timeout: Duration,
}

type LocalBoxFuture<T> = Pin<Box<dyn Future<Output = T>>>;

impl<S, B> Service<ServiceRequest> for BodyTimeoutService<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    B: 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = Error;
    type Future = LocalBoxFuture<Result<Self::Response, Self::Error>>;

    actix_web::dev::forward_ready!(service);

    fn call(&self, mut req: ServiceRequest) -> Self::Future {
        let inner = req.take_payload();
        let stream = TimedPayload {
            inner,
            timeout: self.timeout,
            deadline: Box::pin(sleep(self.timeout)),
            timed_out: false,
        };
        let boxed: Pin<Box<dyn Stream<Item = Result<Bytes, PayloadError>>>> = Box::pin(stream);
        req.set_payload(Payload::from(boxed));
        let fut = self.service.call(req);
        Box::pin(async move {
            let res = fut.await?;
            // A handler that gave up on the body answers 400 for the payload error; the
            // client was too slow, which is 408, and the connection is not reused.
            if res.status() == StatusCode::BAD_REQUEST
                && res
                    .response()
                    .error()
                    .is_some_and(|e| e.to_string().contains(TIMED_OUT))
            {
                let (req, _) = res.into_parts();
                let answer = HttpResponse::RequestTimeout()
                    .force_close()
                    .content_type("text/plain; charset=utf-8")
                    .body("the request body stopped arriving");
                return Ok(ServiceResponse::new(req, answer).map_into_right_body());
            }
            Ok(res.map_into_left_body())
        })
    }
}

const TIMED_OUT: &str = "request body timed out";

/// The request's body, failing when the next chunk does not come within `timeout`.
struct TimedPayload {
    inner: Payload,
    timeout: Duration,
    deadline: Pin<Box<Sleep>>,
    timed_out: bool,
}

impl Stream for TimedPayload {
    type Item = Result<Bytes, PayloadError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.timed_out {
            return Poll::Ready(None);
        }
        match Pin::new(&mut self.inner).poll_next(cx) {
            Poll::Ready(item) => {
                let next = Instant::now() + self.timeout;
                self.deadline.as_mut().reset(next);
                Poll::Ready(item)
            }
            Poll::Pending => match self.deadline.as_mut().poll(cx) {
                Poll::Ready(()) => {
                    self.timed_out = true;
                    Poll::Ready(Some(Err(PayloadError::Io(std::io::Error::new(
                        std::io::ErrorKind::TimedOut,
                        TIMED_OUT,
                    )))))
                }
                Poll::Pending => Poll::Pending,
            },
        }
    }
}
