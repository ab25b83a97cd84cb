#include "marquee/util/file.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "../test_util.h"

namespace marquee {
namespace {

using test::TempDir;

TEST(FileTest, WriteFileAtomicallyWritesWholeFileAndLeavesNoTemporary) {
  TempDir dir;
  const std::string path = dir.path() + "/out.txt";
  ASSERT_TRUE(WriteFileAtomically(path, [](std::FILE* f) {
                std::fputs("hello\n", f);
                return Status::OK();
              }).ok());
  EXPECT_EQ(test::ReadFile(path), "hello\n");
  // Only the file itself is left in the folder.
  EXPECT_FALSE(FileExists(path + ".tmp." + std::to_string(::getpid())));
}

TEST(FileTest, WriteFileAtomicallyErrorsNameTheRequestedPath) {
  TempDir dir;
  const std::string path = dir.path() + "/no-such-folder/page.html";
  const Status s = WriteFileAtomically(path, [](std::FILE*) { return Status::OK(); });
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message().rfind(path + ": cannot create", 0), 0u) << s.message();
  EXPECT_NE(s.message().find("temporary file"), std::string::npos) << s.message();
}

TEST(FileTest, WriteFileAtomicallyKeepsTheOldFileWhenTheWriterFails) {
  TempDir dir;
  const std::string path = dir.path() + "/out.txt";
  ASSERT_TRUE(WriteFileAtomically(path, [](std::FILE* f) {
                std::fputs("old", f);
                return Status::OK();
              }).ok());
  const Status s = WriteFileAtomically(path, [](std::FILE* f) {
    std::fputs("half", f);
    return Status::IOError("writer gave up");
  });
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(test::ReadFile(path), "old");
}

}  // namespace
}  // namespace marquee
