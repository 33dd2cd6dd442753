// Times the off-site uploader (ArchiveUpload: seal, hash, multipart with per-part MD5) against the SDK's plain
// single-stream PutObject of the same file, ROUNDS rounds alternating which goes first, and prints one line per round
// for bench/offsite.sh: "round N ours SECONDS plain SECONDS".
// Usage: OffsiteUploadBench FILE ROUNDS ENDPOINT BUCKET CAFILE [PART_MIB]
using System.Diagnostics;
using System.Globalization;
using Amazon.S3.Model;
using O4O.Recovery.Configuration;
using O4O.Recovery.Offsite;
using O4O.Recovery.State;

var (file, rounds) = (Path.GetFullPath(args[0]), int.Parse(args[1], CultureInfo.InvariantCulture));
var options = new OffsiteOptions { Endpoint = args[2], Bucket = args[3], CaFile = args[4], AccessKeyId = "S3RVER", SecretAccessKey = "S3RVER" };
long? partSize = args.Length > 5 ? long.Parse(args[5], CultureInfo.InvariantCulture) << 20 : null;
var home = new O4OHome(Directory.CreateTempSubdirectory("o4o-bench-upload-").FullName);
try
{
    using var bucket = OffsiteBucket.Open(home, options);
    var copies = new OffsiteCopies(home.StateDatabase);
    var upload = new ArchiveUpload(home, bucket, copies, options, TimeProvider.System) { PartSize = partSize ?? ArchiveUpload.DefaultPartSize };

    // Each round its own archive name (a hard link), so that every upload is a new one.
    async Task<double> OursAsync(int round)
    {
        var named = Path.Combine(home.Root, $"r{round}-{Path.GetFileName(file)}");
        File.CreateSymbolicLink(named, file);
        var watch = Stopwatch.StartNew();
        await upload.UploadAsync(named, CancellationToken.None);
        return watch.Elapsed.TotalSeconds;
    }

    async Task<double> PlainAsync(int round)
    {
        var watch = Stopwatch.StartNew();
        await bucket.Client.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket.Name, Key = $"plain/r{round}-{Path.GetFileName(file)}", FilePath = file, UseChunkEncoding = false,
        });
        return watch.Elapsed.TotalSeconds;
    }

    // Round 0 warms up (JIT, TLS, page cache) and is not printed.
    for (var round = 0; round <= rounds; round++)
    {
        double ours, plain;
        if (round % 2 == 0)
        {
            ours = await OursAsync(round);
            plain = await PlainAsync(round);
        }
        else
        {
            plain = await PlainAsync(round);
            ours = await OursAsync(round);
        }

        if (round > 0)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"round {round} ours {ours:0.000} plain {plain:0.000}"));
        }
    }
}
finally
{
    Directory.Delete(home.Root, recursive: true);
}
