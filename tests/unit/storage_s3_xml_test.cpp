// S3's XML answers as real S3 and moto send them: ListObjectsV2 pages (namespaces, url-encoded
// keys, entities, pagination), error documents, DeleteObjects bodies and results, and the two
// date formats. Malformed documents are std::invalid_argument, never a crash or a guess.
#include <gtest/gtest.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

#include "flinkcli/storage/s3_xml.hpp"

namespace flinkcli::testing {
namespace {

using std::chrono::system_clock;

system_clock::time_point utc(int year, unsigned month, unsigned day, int hour, int minute, int second) {
  using namespace std::chrono;
  return sys_days{year_month_day{std::chrono::year{year}, std::chrono::month{month}, std::chrono::day{day}}} +
         hours{hour} + minutes{minute} + seconds{second};
}

// A ListObjectsV2 page shaped as S3 sends it (moto's is the same, without the Owner).
std::string list_page(const std::string& contents, const std::string& tail = "<IsTruncated>false</IsTruncated>") {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
         "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>bucket</Name>"
         "<Prefix>savepoints%2F</Prefix><KeyCount>2</KeyCount><MaxKeys>1000</MaxKeys>"
         "<EncodingType>url</EncodingType>" +
         tail + contents + "</ListBucketResult>";
}

std::string contents(const std::string& key, const std::string& size,
                     const std::string& modified = "2024-05-06T07:08:09.000Z") {
  return "<Contents><Key>" + key + "</Key><LastModified>" + modified +
         "</LastModified><ETag>&quot;9b2cf535f27731c974343645a3985328&quot;</ETag><Size>" + size +
         "</Size><Owner><ID>75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a</ID>"
         "<DisplayName>webfile</DisplayName></Owner><StorageClass>STANDARD</StorageClass></Contents>";
}

TEST(StorageS3Xml, ListPageWithObjectsPrefixesAndContinuation) {
  const std::string xml = list_page(
      contents("savepoints%2Fsp-1%2F_metadata", "1234") + contents("savepoints%2Fsp-1%2Fstate", "0") +
          "<CommonPrefixes><Prefix>savepoints%2Fsp-2%2F</Prefix></CommonPrefixes>"
          "<CommonPrefixes><Prefix>savepoints%2Fsp-3%2F</Prefix></CommonPrefixes>",
      "<ContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</ContinuationToken>"
      "<NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwN=</NextContinuationToken>"
      "<IsTruncated>true</IsTruncated>");
  const S3ListPage page = parse_list_objects_v2(xml, true);
  ASSERT_EQ(page.objects.size(), 2u);
  EXPECT_EQ(page.objects[0].key, "savepoints/sp-1/_metadata");
  EXPECT_EQ(page.objects[0].size, 1234u);
  ASSERT_TRUE(page.objects[0].modified);
  EXPECT_EQ(*page.objects[0].modified, utc(2024, 5, 6, 7, 8, 9));
  EXPECT_EQ(page.objects[1].key, "savepoints/sp-1/state");
  EXPECT_EQ(page.objects[1].size, 0u);
  EXPECT_EQ(page.common_prefixes, (std::vector<std::string>{"savepoints/sp-2/", "savepoints/sp-3/"}));
  EXPECT_TRUE(page.truncated);
  // The token is opaque: neither url- nor otherwise decoded ('/' '+' '=' kept).
  EXPECT_EQ(page.next_continuation_token, "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwN=");
}

TEST(StorageS3Xml, ListPageEmptyAndLastPage) {
  const struct {
    std::string name;
    std::string xml;
    bool truncated;
  } cases[] = {
      {"empty bucket", list_page(""), false},
      {"self-closing root", "<ListBucketResult/>", false},
      {"no IsTruncated", "<ListBucketResult></ListBucketResult>", false},
      {"truncated", list_page("", "<IsTruncated>true</IsTruncated><NextContinuationToken>t</NextContinuationToken>"), true},
      {"leading whitespace", "\n  \r\n" + list_page(""), false},
  };
  for (const auto& c : cases) {
    const S3ListPage page = parse_list_objects_v2(c.xml, true);
    EXPECT_TRUE(page.objects.empty()) << c.name;
    EXPECT_TRUE(page.common_prefixes.empty()) << c.name;
    EXPECT_EQ(page.truncated, c.truncated) << c.name;
  }
}

TEST(StorageS3Xml, ListedKeysAreDecoded) {
  const struct {
    std::string in_xml;
    bool url_encoded;
    std::string key;
  } cases[] = {
      // encoding-type=url: '+' is a space, %2B a '+', %25 a '%'
      {"a+b", true, "a b"},
      {"a%2Bb", true, "a+b"},
      {"a%2bb", true, "a+b"},
      {"a%20b", true, "a b"},
      {"100%25", true, "100%"},
      {"caf%C3%A9%2F%E2%82%AC", true, "caf\xC3\xA9/\xE2\x82\xAC"},
      {"%", true, "%"},             // a lone '%' stays (S3 never sends one, but no crash)
      {"%4", true, "%4"},
      {"%zz", true, "%zz"},
      {"end%2B", true, "end+"},
      // XML entities first, then percent-decoding
      {"a&amp;b", true, "a&b"},
      {"&#x41;&#66;", true, "AB"},
      {"%26amp%3B", true, "&amp;"},  // a key that really is "&amp;": decoded once only
      // without encoding-type=url, keys are only XML-unescaped
      {"a+b%2B", false, "a+b%2B"},
      {"a&lt;b&gt;&quot;&apos;", false, "a<b>\"'"},
      {"caf\xC3\xA9", false, "caf\xC3\xA9"},
      {"&#x20AC;&#128512;", false, "\xE2\x82\xAC\xF0\x9F\x98\x80"},
  };
  for (const auto& c : cases) {
    const S3ListPage page = parse_list_objects_v2(list_page(contents(c.in_xml, "1")), c.url_encoded);
    ASSERT_EQ(page.objects.size(), 1u) << c.in_xml;
    EXPECT_EQ(page.objects[0].key, c.key) << c.in_xml;
  }
  // Common prefixes are decoded the same way.
  const S3ListPage page =
      parse_list_objects_v2(list_page("<CommonPrefixes><Prefix>a+b%2Bc%2F</Prefix></CommonPrefixes>"), true);
  EXPECT_EQ(page.common_prefixes, std::vector<std::string>{"a b+c/"});
}

TEST(StorageS3Xml, ListPageOddButValidShapes) {
  // Elements whose names start like the wanted ones are not taken for them; attributes and
  // line breaks inside tags are allowed.
  const std::string xml =
      "<?xml version=\"1.0\"?>\n<ListBucketResult\n  xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
      "<KeyCount>1</KeyCount><IsTruncatedX>true</IsTruncatedX><IsTruncated>false</IsTruncated>"
      "<Contents><KeyMarker>no</KeyMarker><Key type=\"x\">k</Key><SizeX>9</SizeX><Size>7</Size></Contents>"
      "</ListBucketResult>";
  const S3ListPage page = parse_list_objects_v2(xml, false);
  ASSERT_EQ(page.objects.size(), 1u);
  EXPECT_EQ(page.objects[0].key, "k");
  EXPECT_EQ(page.objects[0].size, 7u);
  EXPECT_FALSE(page.objects[0].modified);  // none given
  EXPECT_FALSE(page.truncated);
  // A size at the top of the 64-bit range.
  EXPECT_EQ(parse_list_objects_v2(list_page(contents("k", "18446744073709551615")), false).objects[0].size,
            18446744073709551615u);
  // A malformed LastModified is no time, not an error.
  EXPECT_FALSE(parse_list_objects_v2(list_page(contents("k", "1", "yesterday")), false).objects[0].modified);
}

TEST(StorageS3Xml, MalformedListingsAreInvalidArgument) {
  const struct {
    std::string name;
    std::string xml;
  } cases[] = {
      {"empty", ""},
      {"html", "<!DOCTYPE html><html><body><h1>Welcome to nginx!</h1></body></html>"},
      {"error document", "<?xml version=\"1.0\"?><Error><Code>NoSuchBucket</Code></Error>"},
      {"ListBucketResult not at the root", "<Wrapper><ListBucketResult></ListBucketResult></Wrapper>"},
      {"v1 name prefix", "<ListBucketResultX></ListBucketResultX>"},
      {"unterminated declaration", "<?xml version=\"1.0\" <ListBucketResult>"},
      {"json", "{\"Contents\": []}"},
      {"size not a number", list_page(contents("k", "12kB"))},
      {"size negative", list_page(contents("k", "-1"))},
      {"size empty", list_page(contents("k", ""))},
      {"size too big", list_page(contents("k", "18446744073709551616"))},
      {"size with spaces", list_page(contents("k", " 12"))},
      {"size missing", list_page("<Contents><Key>k</Key></Contents>")},
      {"key missing", list_page("<Contents><Size>1</Size></Contents>")},
      {"empty Contents", list_page("<Contents/>")},
      {"key unterminated", list_page("<Contents><Key>k<Size>1</Size></Contents>")},
  };
  for (const auto& c : cases) {
    EXPECT_THROW(parse_list_objects_v2(c.xml, true), std::invalid_argument) << c.name;
  }
}

TEST(StorageS3Xml, ErrorDocuments) {
  const struct {
    std::string name;
    std::string xml;
    std::string code, message, region;
  } cases[] = {
      {"S3", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>NoSuchKey</Code><Message>The specified key does "
             "not exist.</Message><Key>a/b</Key><RequestId>4442587FB7D0A2F9</RequestId></Error>",
       "NoSuchKey", "The specified key does not exist.", ""},
      {"region", "<Error><Code>AuthorizationHeaderMalformed</Code><Message>the region 'us-east-1' is wrong; expecting "
                 "'eu-west-1'</Message><Region>eu-west-1</Region></Error>",
       "AuthorizationHeaderMalformed", "the region 'us-east-1' is wrong; expecting 'eu-west-1'", "eu-west-1"},
      {"ErrorResponse (STS-style, some S3-compatible servers)",
       "<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><Error><Type>Sender</Type>"
       "<Code>InvalidClientTokenId</Code><Message>The security token included in the request is invalid.</Message>"
       "</Error><RequestId>x</RequestId></ErrorResponse>",
       "InvalidClientTokenId", "The security token included in the request is invalid.", ""},
      {"entities", "<Error><Code>SignatureDoesNotMatch</Code><Message>a &lt;b&gt; &amp; c</Message></Error>",
       "SignatureDoesNotMatch", "a <b> & c", ""},
      {"no message", "<Error><Code>SlowDown</Code></Error>", "SlowDown", "", ""},
      {"html", "<html><head><title>503 Service Temporarily Unavailable</title></head><body><Error><Code>x</Code>"
               "</Error></body></html>",
       "", "", ""},
      {"empty", "", "", "", ""},
      {"text", "Service Unavailable", "", "", ""},
      {"other root", "<ListBucketResult><Code>NoSuchKey</Code></ListBucketResult>", "", "", ""},
  };
  for (const auto& c : cases) {
    const S3Error error = parse_s3_error(c.xml);
    EXPECT_EQ(error.code, c.code) << c.name;
    EXPECT_EQ(error.message, c.message) << c.name;
    EXPECT_EQ(error.region, c.region) << c.name;
  }
}

TEST(StorageS3Xml, DeleteObjectsBodyEscapesKeys) {
  const std::string body = delete_objects_body({"a/b", "x&y<z>\"q'", "line\nbreak\r", "caf\xC3\xA9 +%"});
  EXPECT_EQ(body,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
            "<Quiet>true</Quiet>"
            "<Object><Key>a/b</Key></Object>"
            "<Object><Key>x&amp;y&lt;z&gt;&quot;q&apos;</Key></Object>"
            "<Object><Key>line&#10;break&#13;</Key></Object>"
            "<Object><Key>caf\xC3\xA9 +%</Key></Object>"
            "</Delete>");
  // What we write, our own reader reads back to the same keys.
  EXPECT_EQ(xml_texts(body, "Key"),
            (std::vector<std::string>{"a/b", "x&y<z>\"q'", "line\nbreak\r", "caf\xC3\xA9 +%"}));
  EXPECT_EQ(delete_objects_body({}),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
            "<Quiet>true</Quiet></Delete>");
}

TEST(StorageS3Xml, DeleteResultReportsOnlyFailures) {
  const std::string xml =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<DeleteResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
      "<Deleted><Key>sp/_metadata</Key></Deleted>"
      "<Error><Key>sp/a&amp;b</Key><Code>AccessDenied</Code><Message>Access Denied</Message></Error>"
      "<Deleted><Key>sp/x</Key><DeleteMarker>true</DeleteMarker><DeleteMarkerVersionId>v</DeleteMarkerVersionId></Deleted>"
      "<Error><Key>sp/y</Key><Code>InternalError</Code></Error>"
      "</DeleteResult>";
  const auto errors = parse_delete_result(xml);
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].key, "sp/a&b");
  EXPECT_EQ(errors[0].code, "AccessDenied");
  EXPECT_EQ(errors[0].message, "Access Denied");
  EXPECT_EQ(errors[1].key, "sp/y");
  EXPECT_EQ(errors[1].code, "InternalError");
  EXPECT_EQ(errors[1].message, "");
  EXPECT_TRUE(parse_delete_result("<DeleteResult/>").empty());
  EXPECT_TRUE(parse_delete_result("<DeleteResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"></DeleteResult>").empty());
  for (const std::string bad : {"", "<Error><Code>AccessDenied</Code></Error>", "<html></html>", "<DeleteResultX/>"}) {
    EXPECT_THROW(parse_delete_result(bad), std::invalid_argument) << bad;
  }
}

TEST(StorageS3Xml, Iso8601) {
  const struct {
    std::string text;
    std::optional<system_clock::time_point> time;
  } cases[] = {
      {"2024-05-06T07:08:09.000Z", utc(2024, 5, 6, 7, 8, 9)},
      {"2024-05-06T07:08:09Z", utc(2024, 5, 6, 7, 8, 9)},
      {"2024-05-06T07:08:09.123456Z", utc(2024, 5, 6, 7, 8, 9)},  // fractions dropped
      {"2024-02-29T23:59:59.000Z", utc(2024, 2, 29, 23, 59, 59)},
      {"1970-01-01T00:00:00.000Z", utc(1970, 1, 1, 0, 0, 0)},
      {"2023-02-29T00:00:00.000Z", std::nullopt},  // no leap day
      {"1012-05-06T07:08:09.000Z", std::nullopt},  // out of the clock's range (it would overflow)
      {"9999-12-31T23:59:59.000Z", std::nullopt},
      {"2200-12-31T23:59:59.000Z", utc(2200, 12, 31, 23, 59, 59)},
      {"1900-01-01T00:00:00.000Z", utc(1900, 1, 1, 0, 0, 0)},
      {"2024-13-01T00:00:00.000Z", std::nullopt},
      {"2024-00-01T00:00:00.000Z", std::nullopt},
      {"2024-04-31T00:00:00.000Z", std::nullopt},
      {"2024-05-06T24:00:00.000Z", std::nullopt},
      {"2024-05-06T07:60:00.000Z", std::nullopt},
      {"2024-05-06T07:08:09.000", std::nullopt},   // no zone
      {"2024-05-06T07:08:09+01:00", std::nullopt},  // only UTC
      {"2024-05-06 07:08:09.000Z", std::nullopt},
      {"2024/05/06T07:08:09.000Z", std::nullopt},
      {"2024-5-6T7:8:9Z", std::nullopt},
      {"20x4-05-06T07:08:09.000Z", std::nullopt},
      {"", std::nullopt},
      {"Z", std::nullopt},
  };
  for (const auto& c : cases) EXPECT_EQ(parse_iso8601(c.text), c.time) << c.text;
}

TEST(StorageS3Xml, HttpDate) {
  const struct {
    std::string text;
    std::optional<system_clock::time_point> time;
  } cases[] = {
      {"Mon, 06 May 2024 07:08:09 GMT", utc(2024, 5, 6, 7, 8, 9)},
      {"Thu, 01 Jan 1970 00:00:00 GMT", utc(1970, 1, 1, 0, 0, 0)},
      {"Thu, 29 Feb 2024 23:59:59 GMT", utc(2024, 2, 29, 23, 59, 59)},
      {"Wed, 31 Dec 2025 12:00:00 GMT", utc(2025, 12, 31, 12, 0, 0)},
      {"Mon, 06 Mai 2024 07:08:09 GMT", std::nullopt},  // not an English month
      {"Mon, 06 May 1012 07:08:09 GMT", std::nullopt},  // out of the clock's range (it would overflow)
      {"Fri, 31 Dec 9999 23:59:59 GMT", std::nullopt},
      {"Mon, 06 may 2024 07:08:09 GMT", std::nullopt},
      {"Mon, 31 Apr 2024 07:08:09 GMT", std::nullopt},
      {"Mon, 06 May 2024 25:08:09 GMT", std::nullopt},
      {"Mon, 6 May 2024 07:08:09 GMT", std::nullopt},
      {"Mon, 06 May 2024 07:08:09 UTC", std::nullopt},
      {"Monday, 06-May-24 07:08:09 GMT", std::nullopt},  // RFC 850: S3 never sends it
      {"Mon May  6 07:08:09 2024", std::nullopt},        // asctime
      {"2024-05-06T07:08:09.000Z", std::nullopt},
      {"", std::nullopt},
  };
  for (const auto& c : cases) EXPECT_EQ(parse_http_date(c.text), c.time) << c.text;
}

TEST(StorageS3Xml, Unescape) {
  const struct {
    std::string text;
    std::string decoded;
  } cases[] = {
      {"", ""},
      {"plain", "plain"},
      {"&amp;&lt;&gt;&quot;&apos;", "&<>\"'"},
      {"&amp;amp;", "&amp;"},  // once only
      {"&#65;&#x41;&#X41;", "AAA"},
      {"&#xe9;&#233;", "\xC3\xA9\xC3\xA9"},
      {"&#x10FFFF;", "\xF4\x8F\xBF\xBF"},
      {"&", "&"},                  // unterminated
      {"a & b", "a & b"},
      {"&amp", "&amp"},
      {"&amp b;", "&amp b;"},
      {"&nbsp;", "&nbsp;"},         // unknown entity: kept
      {"&;", "&;"},
      {"&#;", "&#;"},
      {"&#x;", "&#x;"},
      {"&#xZZ;", "&#xZZ;"},
      {"&#-65;", "&#-65;"},
      {"&#+65;", "&#+65;"},
      {"&#65 ;", "&#65 ;"},
      {"&#x110000;", "&#x110000;"},  // past Unicode
      {"&#4294967296;", "&#4294967296;"},  // past 32 bits
      {"&#xFFFFFFFFF;", "&#xFFFFFFFFF;"},
      {"&#0000000065;", "A"},
      {"&#00000000065;", "&#00000000065;"},  // longer than any entity: not looked at
      {"&#99999999999999999999999999;", "&#99999999999999999999999999;"},
      {"&&amp;", "&&"},
      {"x&amp;", "x&"},
  };
  for (const auto& c : cases) EXPECT_EQ(xml_unescape(c.text), c.decoded) << c.text;
}

TEST(StorageS3Xml, EscapeRoundTrips) {
  for (const std::string text : {"", "a", "<&>\"'", "\r\n\t", "caf\xC3\xA9", "&amp;"}) {
    EXPECT_EQ(xml_unescape(xml_escape(text)), text) << text;
  }
}

TEST(StorageS3Xml, ElementsAndTexts) {
  const std::string xml = "<r><a>1</a><a x=\"y\">2&amp;</a><a/><ab>no</ab><a>unterminated";
  EXPECT_EQ(xml_texts(xml, "a"), (std::vector<std::string>{"1", "2&", ""}));
  EXPECT_EQ(xml_text(xml, "a"), "1");
  EXPECT_EQ(xml_text(xml, "ab"), "no");
  EXPECT_EQ(xml_text(xml, "missing"), std::nullopt);
  EXPECT_EQ(xml_text("<a>never closed", "a"), std::nullopt);
  EXPECT_EQ(xml_text("<a", "a"), std::nullopt);
  EXPECT_EQ(xml_text("<a attr='>", "a"), std::nullopt);
  EXPECT_TRUE(xml_texts("", "a").empty());
  EXPECT_TRUE(xml_texts("<", "a").empty());
  EXPECT_TRUE(xml_texts("<a", "a").empty());
}

TEST(StorageS3Xml, HasRoot) {
  EXPECT_TRUE(xml_has_root("<a/>", "a"));
  EXPECT_TRUE(xml_has_root("  <?xml version=\"1.0\"?>\n<a x='1'>", "a"));
  EXPECT_FALSE(xml_has_root("<?xml version=\"1.0\"?>", "a"));
  EXPECT_FALSE(xml_has_root("<b><a/></b>", "a"));
  EXPECT_FALSE(xml_has_root("<ab/>", "a"));
  EXPECT_FALSE(xml_has_root("", "a"));
  EXPECT_FALSE(xml_has_root("   ", "a"));
  EXPECT_FALSE(xml_has_root("text <a/>", "a"));
}

}  // namespace
}  // namespace flinkcli::testing
