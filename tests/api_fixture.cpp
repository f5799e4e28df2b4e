#include "tests/api_fixture.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include "tests/support/test_env.h"

namespace backflow::test {
namespace {

std::size_t append_body(char* data, std::size_t size, std::size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

std::size_t append_header(char* data, std::size_t size, std::size_t count, void* out) {
  std::string line(data, size * count);
  auto colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = line.substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(' '));
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n')) value.pop_back();
    (*static_cast<std::map<std::string, std::string>*>(out))[name] = value;
  }
  return size * count;
}

HttpReply perform(CURL* curl, const std::string& method, const std::string& url, const std::string& body,
                  const std::string& token) {
  HttpReply reply;
  curl_slist* headers = nullptr;
  if (!token.empty()) headers = curl_slist_append(headers, ("Authorization: Bearer " + token).c_str());
  headers = curl_slist_append(headers, "Content-Type: application/json");
  headers = curl_slist_append(headers, "Expect:");
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> header_list(headers, curl_slist_free_all);
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
  if (method == "POST" || !body.empty()) {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  }
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, header_list.get());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &reply.body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, append_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &reply.headers);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 10L);
  CURLcode code = curl_easy_perform(curl);
  if (code != CURLE_OK) throw std::runtime_error(method + " " + url + ": " + curl_easy_strerror(code));
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &reply.status);
  return reply;
}

}  // namespace

HttpReply http_request(const std::string& method, const std::string& url, const std::string& body,
                       const std::string& token) {
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) throw std::runtime_error("curl_easy_init failed");
  return perform(curl.get(), method, url, body, token);
}

KeepAliveClient::KeepAliveClient() : curl_(curl_easy_init()) {
  if (curl_ == nullptr) throw std::runtime_error("curl_easy_init failed");
}

KeepAliveClient::~KeepAliveClient() { curl_easy_cleanup(curl_); }

HttpReply KeepAliveClient::request(const std::string& method, const std::string& url, const std::string& body,
                                   const std::string& token) {
  curl_easy_reset(curl_);  // options only; the connection cache stays
  return perform(curl_, method, url, body, token);
}

ApiFixture::ApiFixture(const std::string& auth_token, const std::function<void(api::ApiServer::Options&)>& configure)
    : token(auth_token) {
  db = state::StateDb::open(make_temp_dir("api") / "state");
  runs = std::make_unique<state::RunStore>(*db);
  records = std::make_unique<state::RecordStore>(*db);
  failures = std::make_unique<state::FailureStore>(*db);
  controller = std::make_unique<TestSyncController>(*runs, *failures);
  api::SyncSummary contacts;
  contacts.name = "contacts";
  contacts.source = "analytics: public.customers";
  contacts.destination = "hubspot";
  contacts.object = "contacts";
  contacts.mode = "upsert";
  contacts.schedule = "*/15 * * * *";
  contacts.next_run_ms = now_ms() + 15 * 60 * 1000;
  controller->add_sync(contacts);
  api::SyncSummary deals;
  deals.name = "deals";
  deals.source = "analytics: select * from deals";
  deals.destination = "webhook";
  deals.mode = "mirror";
  deals.schedule = "manual";
  controller->add_sync(deals);
  controller->add_destination("hubspot", nlohmann::json::array({{{"method", "POST"}, {"status", 200}}}));

  api::ApiServer::Options options;
  options.listen = "127.0.0.1:" + std::to_string(free_tcp_port());
  options.auth_token = auth_token;
  if (configure) configure(options);
  server = std::make_unique<api::ApiServer>(options, *controller, *runs, *records, registry);
  base_url = server->base_url();
}

state::RunRecord ApiFixture::add_finished_run(const std::string& sync, state::RunPhase phase,
                                              const state::RunCounts& counts, std::int64_t started_ms,
                                              std::int64_t duration_ms) {
  auto run = runs->create(sync, state::RunTrigger::Schedule, false, false, started_ms);
  run.phase_ms = {{"snapshot", duration_ms / 2}, {"diff", duration_ms / 4}, {"deliver", duration_ms / 4}};
  runs->save(run);
  return controller->finish_run(run.id, phase, counts, started_ms + duration_ms);
}

}  // namespace backflow::test
