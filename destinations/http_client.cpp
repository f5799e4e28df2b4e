#include "destinations/http_client.h"
#include "common/text.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <mutex>
#include <stdexcept>
#include <string>

namespace backflow::destinations {

namespace {

void ensure_curl_initialised() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
      throw std::runtime_error("libcurl global initialisation failed");
    }
  });
}

struct EasyDeleter {
  void operator()(CURL* easy) const { curl_easy_cleanup(easy); }
};
struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

TransportError classify(CURLcode code) {
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT: return TransportError::Timeout;
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_FAILED_INIT:
    case CURLE_NOT_BUILT_IN:
    case CURLE_BAD_FUNCTION_ARGUMENT:
    case CURLE_OUT_OF_MEMORY: return TransportError::Fatal;
    default: return TransportError::Connection;
  }
}

}  // namespace

struct HttpClient::Transfer {
  std::unique_ptr<CURL, EasyDeleter> easy;
  std::unique_ptr<curl_slist, SlistDeleter> header_list;
  HttpRequest request;
  HttpResponse response;
  char error_buffer[CURL_ERROR_SIZE] = {};
  std::chrono::steady_clock::time_point started;

  static std::size_t on_body(char* data, std::size_t size, std::size_t count, void* self) {
    static_cast<Transfer*>(self)->response.body.append(data, size * count);
    return size * count;
  }

  static std::size_t on_header(char* data, std::size_t size, std::size_t count, void* self) {
    auto* transfer = static_cast<Transfer*>(self);
    std::string_view line(data, size * count);
    if (line.rfind("HTTP/", 0) == 0) {
      transfer->response.headers.clear();  // a new response (after 100 Continue or a redirect)
      return line.size();
    }
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) return line.size();
    const std::string name = text::lower(line.substr(0, colon));
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) {
      value.remove_suffix(1);
    }
    transfer->response.headers.emplace_back(std::move(name), std::string(value));
    return line.size();
  }
};

void HttpClient::MultiDeleter::operator()(void* multi) const {
  curl_multi_cleanup(static_cast<CURLM*>(multi));
}

HttpClient::HttpClient(HttpClientOptions options) : options_(options) {
  ensure_curl_initialised();
  multi_.reset(curl_multi_init());
  if (!multi_) throw std::runtime_error("libcurl: curl_multi_init failed");
  auto* multi = static_cast<CURLM*>(multi_.get());
  curl_multi_setopt(multi, CURLMOPT_MAX_HOST_CONNECTIONS,
                    static_cast<long>(std::max<std::size_t>(1, options_.max_connections_per_host)));
  curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS,
                    static_cast<long>(std::max<std::size_t>(4, options_.max_connections_per_host * 2)));
}

HttpClient::~HttpClient() { abort_all(); }

std::uint64_t HttpClient::start(HttpRequest request) {
  std::unique_ptr<Transfer> transfer;
  if (!idle_.empty()) {
    transfer = std::move(idle_.back());
    idle_.pop_back();
    curl_easy_reset(transfer->easy.get());
    transfer->header_list.reset();
    transfer->response = HttpResponse();
  } else {
    transfer = std::make_unique<Transfer>();
    transfer->easy.reset(curl_easy_init());
    if (!transfer->easy) throw std::runtime_error("libcurl: curl_easy_init failed");
  }
  transfer->request = std::move(request);
  CURL* easy = transfer->easy.get();
  const HttpRequest& req = transfer->request;

  curl_slist* list = nullptr;
  for (const auto& [name, value] : req.headers) {
    list = curl_slist_append(list, (name + ": " + value).c_str());
  }
  // No "Expect: 100-continue" round trip for large bodies.
  list = curl_slist_append(list, "Expect:");
  transfer->header_list.reset(list);

  curl_easy_setopt(easy, CURLOPT_URL, req.url.c_str());
  if (req.method == "POST") {
    curl_easy_setopt(easy, CURLOPT_POST, 1L);
  } else if (req.method == "GET") {
    curl_easy_setopt(easy, CURLOPT_HTTPGET, 1L);
  } else {
    curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, req.method.c_str());
  }
  if (req.method != "GET") {
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, req.body.data());
    curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body.size()));
  }
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &Transfer::on_body);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, transfer.get());
  curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, &Transfer::on_header);
  curl_easy_setopt(easy, CURLOPT_HEADERDATA, transfer.get());
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, transfer->error_buffer);
  curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connect_timeout.count()));
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.total_timeout.count()));
  curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "");
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 2L);
  curl_easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(easy, CURLOPT_USERAGENT, "backflow/" BACKFLOW_VERSION);
  curl_easy_setopt(easy, CURLOPT_PRIVATE, transfer.get());

  transfer->error_buffer[0] = '\0';
  transfer->started = std::chrono::steady_clock::now();
  std::uint64_t id = next_id_++;
  CURLMcode added = curl_multi_add_handle(static_cast<CURLM*>(multi_.get()), easy);
  if (added != CURLM_OK) {
    throw std::runtime_error(std::string("libcurl: cannot start request to ") + req.url + ": " +
                             curl_multi_strerror(added));
  }
  transfers_.emplace(id, std::move(transfer));
  // Start connecting and sending now, while the caller prepares the next request.
  int running = 0;
  curl_multi_perform(static_cast<CURLM*>(multi_.get()), &running);
  return id;
}

std::vector<std::pair<std::uint64_t, HttpResponse>> HttpClient::poll(std::chrono::milliseconds max_wait) {
  auto* multi = static_cast<CURLM*>(multi_.get());
  std::vector<std::pair<std::uint64_t, HttpResponse>> finished;
  int running = 0;
  curl_multi_perform(multi, &running);
  auto collect = [&] {
    int queued = 0;
    while (CURLMsg* message = curl_multi_info_read(multi, &queued)) {
      if (message->msg != CURLMSG_DONE) continue;
      CURL* easy = message->easy_handle;
      CURLcode result = message->data.result;
      auto it = std::find_if(transfers_.begin(), transfers_.end(),
                             [&](const auto& entry) { return entry.second->easy.get() == easy; });
      curl_multi_remove_handle(multi, easy);
      if (it == transfers_.end()) continue;
      Transfer& transfer = *it->second;
      HttpResponse& response = transfer.response;
      response.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
          std::chrono::steady_clock::now() - transfer.started);
      if (result == CURLE_OK) {
        curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &response.status);
      } else {
        response.status = 0;
        response.transport_error = classify(result);
        response.error_message = transfer.error_buffer[0] != '\0' ? transfer.error_buffer
                                                                  : curl_easy_strerror(result);
      }
      finished.emplace_back(it->first, std::move(response));
      idle_.push_back(std::move(it->second));
      transfers_.erase(it);
    }
  };
  collect();
  if (!finished.empty() || transfers_.empty()) return finished;
  int ready = 0;
  curl_multi_poll(multi, nullptr, 0, static_cast<int>(std::max<std::int64_t>(0, max_wait.count())), &ready);
  curl_multi_perform(multi, &running);
  collect();
  return finished;
}

void HttpClient::abort_all() {
  auto* multi = static_cast<CURLM*>(multi_.get());
  for (auto& [id, transfer] : transfers_) curl_multi_remove_handle(multi, transfer->easy.get());
  transfers_.clear();
}

}  // namespace backflow::destinations
