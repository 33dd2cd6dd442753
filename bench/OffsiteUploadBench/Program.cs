// Times the off-site uploader (ArchiveUpload: seal, hash, multipart with per-part MD5) against the SDK's plain
// single-stream PutObject of the same file, ROUNDS rounds alternating which goes first, and prints one line per round
// for bench/offsite.sh: "round N ours SECONDS plain SECONDS multipart SECONDS". The third is the floor of any multipart
// upload to this server: the same file not sealed, in the uploader's part size, as many parts at once, its MD5s taken
// before the clock starts.
// Usage: OffsiteUploadBench FILE ROUNDS ENDPOINT BUCKET CAFILE [PART_MIB]
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
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
    var upload = new ArchiveUpload(home, bucket, copies, options, TimeProvider.System) { PartSize = partSize ?? options.PartSize };

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

    var size = new FileInfo(file).Length;
    var part = partSize ?? options.PartSize;
    var bytes = await File.ReadAllBytesAsync(file);
#pragma warning disable CA5351 // S3's part check, as the uploader's
    var md5s = Enumerable.Range(0, (int)((size + part - 1) / part))
        .Select(index => Convert.ToBase64String(MD5.HashData(bytes.AsSpan((int)(index * part), (int)Math.Min(part, size - (index * part))))))
        .ToList();
#pragma warning restore CA5351
    async Task<double> MultipartAsync(int round)
    {
        var key = $"multipart/r{round}-{Path.GetFileName(file)}";
        var watch = Stopwatch.StartNew();
        var started = await bucket.Client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = bucket.Name, Key = key });
        var etags = new PartETag[md5s.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, md5s.Count), new ParallelOptions { MaxDegreeOfParallelism = ArchiveUpload.DefaultConcurrency },
            async (index, token) => etags[index] = new PartETag(index + 1, (await bucket.Client.UploadPartAsync(new UploadPartRequest
            {
                BucketName = bucket.Name, Key = key, UploadId = started.UploadId, PartNumber = index + 1, FilePath = file,
                FilePosition = index * part, PartSize = Math.Min(part, size - (index * part)), MD5Digest = md5s[index],
                UseChunkEncoding = false, DisablePayloadSigning = true,
            }, token)).ETag));
        await bucket.Client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = bucket.Name, Key = key, UploadId = started.UploadId, PartETags = [.. etags],
        });
        return watch.Elapsed.TotalSeconds;
    }

    // Round 0 warms up (JIT, TLS, page cache) and is not printed.
    for (var round = 0; round <= rounds; round++)
    {
        double ours, plain, multipart;
        if (round % 2 == 0)
        {
            ours = await OursAsync(round);
            plain = await PlainAsync(round);
            multipart = await MultipartAsync(round);
        }
        else
        {
            multipart = await MultipartAsync(round);
            plain = await PlainAsync(round);
            ours = await OursAsync(round);
        }

        if (round > 0)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"round {round} ours {ours:0.000} plain {plain:0.000} multipart {multipart:0.000}"));
        }
    }
}
finally
{
    Directory.Delete(home.Root, recursive: true);
}
