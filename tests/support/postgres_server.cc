#include "postgres_server.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "subprocess.h"

namespace tarn::testing {
namespace {

namespace fs = std::filesystem;

std::string FindBinDir() {
  std::error_code ec;
  std::string best;
  for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", ec)) {
    fs::path bin = entry.path() / "bin";
    if (fs::exists(bin / "initdb") && bin.string() > best) best = bin.string();
  }
  return best;
}

// As root, commands must run as postgres (initdb refuses root).
std::vector<std::string> AsPostgres(std::vector<std::string> argv) {
  if (geteuid() != 0) return argv;
  argv.insert(argv.begin(), {"runuser", "-u", "postgres", "--"});
  return argv;
}

}  // namespace

Result<std::unique_ptr<PostgresServer>> PostgresServer::Start() {
  std::string bin = FindBinDir();
  if (bin.empty()) return Status::Unavailable("no PostgreSQL server under /usr/lib/postgresql");
  std::string pattern = (fs::temp_directory_path() / "tarn-pg-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) return Status::Unavailable("mkdtemp failed");
  std::string dir = pattern;
  if (geteuid() == 0) {
    ProcessResult chown = RunProcess({"chown", "postgres:postgres", dir});
    if (chown.exit_code != 0) return Status::Unavailable("chown failed: " + chown.err);
  }
  std::string data = dir + "/data";
  ProcessResult init = RunProcess(AsPostgres(
      {bin + "/initdb", "-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync"}));
  if (init.exit_code != 0) return Status::Unavailable("initdb failed: " + init.err);
  {
    // Everyone is trusted except the password role, which must prove its password.
    std::ifstream in(data + "/pg_hba.conf");
    std::stringstream rules;
    rules << "host all " << kPasswordRole << " 127.0.0.1/32 scram-sha-256\n" << in.rdbuf();
    in.close();
    std::ofstream(data + "/pg_hba.conf") << rules.str();
  }
  int port = FreePort();
  std::string options = "-c listen_addresses=127.0.0.1 -p " + std::to_string(port) + " -k " + dir +
                        " -c fsync=off -c synchronous_commit=off -c full_page_writes=off";
  ProcessResult start = RunProcess(
      AsPostgres({bin + "/pg_ctl", "-D", data, "-w", "-l", dir + "/log", "-o", options, "start"}));
  if (start.exit_code != 0) {
    std::ifstream log(dir + "/log");
    std::stringstream text;
    text << log.rdbuf();
    return Status::Unavailable("pg_ctl start failed: " + start.err + text.str());
  }
  return std::unique_ptr<PostgresServer>(new PostgresServer(dir, bin, port));
}

PostgresServer::~PostgresServer() {
  RunProcess(AsPostgres({bin_ + "/pg_ctl", "-D", dir_ + "/data", "-m", "immediate", "-w", "stop"}));
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

std::string PostgresServer::Uri(const std::string& database) const {
  return "postgresql://postgres@127.0.0.1:" + std::to_string(port_) + "/" + database;
}

Result<std::string> PostgresServer::Psql(const std::string& database, const std::string& sql) {
  ProcessResult result = RunProcess({bin_ + "/psql", "-X", "-q", "-A", "-t", "-v",
                                     "ON_ERROR_STOP=1", "-d", Uri(database), "-c", sql});
  if (result.exit_code != 0) return Status::Internal("psql failed: " + result.err);
  return result.out;
}

Result<std::string> PostgresServer::CreateDatabase(const std::string& name) {
  TARN_RETURN_IF_ERROR(Psql("postgres", "CREATE DATABASE \"" + name + "\"").status());
  return Uri(name);
}

}  // namespace tarn::testing
