//! Answers and request bodies shared by every handler of the preview server (pages,
//! status, the editor's API): the headers every response carries, and bounded body reads.

use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;

use super::http;

pub(crate) const BODY_TIMEOUT: Duration = Duration::from_secs(30);

/// A response with the headers every answer carries; HTML gets the page policy.
pub(crate) fn respond(status: StatusCode, content_type: &str, body: impl Into<Body>, edit: bool) -> Response {
    let mut response = Response::new(body.into());
    *response.status_mut() = status;
    let headers = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(content_type) {
        headers.insert(header::CONTENT_TYPE, v);
    }
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    if content_type.starts_with("text/html") {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        let policy = if edit { http::EDIT_CONTENT_SECURITY_POLICY } else { http::CONTENT_SECURITY_POLICY };
        headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(policy));
    }
    response
}

/// Reads a request body of at most `limit` bytes within [`BODY_TIMEOUT`].
pub(crate) async fn read_body(body: Body, limit: usize) -> Result<Bytes, (StatusCode, String)> {
    let limited = http_body_util::Limited::new(body, limit);
    match tokio::time::timeout(BODY_TIMEOUT, http_body_util::BodyExt::collect(limited)).await {
        Err(_) => Err((
            StatusCode::REQUEST_TIMEOUT,
            format!("the request body did not arrive within {} s", BODY_TIMEOUT.as_secs()),
        )),
        Ok(Err(e)) if e.is::<http_body_util::LengthLimitError>() => {
            Err((StatusCode::PAYLOAD_TOO_LARGE, format!("the request body is over the limit of {limit} bytes")))
        }
        Ok(Err(e)) => Err((StatusCode::BAD_REQUEST, format!("the request body could not be read: {e}"))),
        Ok(Ok(collected)) => Ok(collected.to_bytes()),
    }
}
