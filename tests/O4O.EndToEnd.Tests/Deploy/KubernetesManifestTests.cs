using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using O4O.EndToEnd.Tests.Processes;

namespace O4O.EndToEnd.Tests.Deploy;

/// <summary>
/// <c>deploy/kubernetes/</c> checked offline, without a cluster: every manifest against the Kubernetes API's schemas (and
/// the Zalando operator's CRD for <c>postgresql</c>) with no field the API does not know (<c>tests/kubernetes/validate.mjs</c>,
/// its packages pinned there), then what the manifests must say about this shop.
/// </summary>
public sealed partial class KubernetesManifestTests
{
    private static readonly string _manifests = Path.Combine(O4OProcess.RepositoryRoot(), "deploy", "kubernetes");

    [Fact]
    public async Task Every_manifest_passes_the_Kubernetes_schemas()
    {
        var (exit, _, errors) = await ValidateAsync(_manifests);

        Assert.True(exit == 0, errors);
        Assert.Matches(@"^\d+ manifests valid", errors);
    }

    [Theory]
    [InlineData("platform.yaml", "readinessProbe:", "readinessprobe:", "readinessprobe: unknown field")]
    [InlineData("platform.yaml", "containerPort: 8080", "containerPort: eighty", "containerPort must be integer")]
    [InlineData("backups.yaml", "concurrencyPolicy: Forbid", "concurrencyPolicy: Never", "concurrencyPolicy must be equal to one of the allowed values")]
    [InlineData("database.yaml", "numberOfInstances: 2", "numberOfInstances: two", "numberOfInstances must be integer")]
    [InlineData("database.yaml", "teamId: o4o", "teamId: o4o\n  teamID: o4o", "teamID: unknown field")]
    public async Task A_broken_manifest_fails_the_validation_naming_the_field(string file, string good, string broken, string expected)
    {
        var copy = Directory.CreateTempSubdirectory("o4o-kubernetes-");
        try
        {
            foreach (var manifest in Directory.GetFiles(_manifests))
            {
                File.Copy(manifest, Path.Combine(copy.FullName, Path.GetFileName(manifest)));
            }

            var path = Path.Combine(copy.FullName, file);
            var text = await File.ReadAllTextAsync(path);
            Assert.Contains(good, text, StringComparison.Ordinal);
            await File.WriteAllTextAsync(path, text.Replace(good, broken, StringComparison.Ordinal));

            var (exit, _, errors) = await ValidateAsync(copy.FullName);

            Assert.Equal(1, exit);
            Assert.Contains(file, errors, StringComparison.Ordinal);
            Assert.Contains(expected, errors, StringComparison.Ordinal);
        }
        finally
        {
            copy.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task The_platform_is_probed_on_its_health_routes_and_kept_serving_through_deploys_and_drains()
    {
        var manifests = await ManifestsAsync();

        var deployment = Single(manifests, "Deployment", "o4o-platform");
        var container = deployment.GetProperty("spec").GetProperty("template").GetProperty("spec").GetProperty("containers")[0];
        Assert.Equal("/api/health/live", container.GetProperty("livenessProbe").GetProperty("httpGet").GetProperty("path").GetString());
        Assert.Equal("/api/health/ready", container.GetProperty("readinessProbe").GetProperty("httpGet").GetProperty("path").GetString());
        Assert.Equal(0, deployment.GetProperty("spec").GetProperty("strategy").GetProperty("rollingUpdate").GetProperty("maxUnavailable").GetInt32());
        Assert.True(deployment.GetProperty("spec").GetProperty("replicas").GetInt32() >= 2);
        Assert.Equal(1, Single(manifests, "PodDisruptionBudget", "o4o-platform").GetProperty("spec").GetProperty("minAvailable").GetInt32());
        Assert.Equal("o4o-platform", Single(manifests, "Service", "o4o-platform").GetProperty("metadata").GetProperty("name").GetString());
        Assert.Single(manifests, m => Kind(m) == "Ingress");

        var commands = manifests.Where(m => Kind(m) == "CronJob")
            .Select(m => string.Join(' ', m.GetProperty("spec").GetProperty("jobTemplate").GetProperty("spec").GetProperty("template")
                .GetProperty("spec").GetProperty("containers")[0].GetProperty("command").EnumerateArray().Skip(2).Select(a => a.GetString())))
            .Order().ToList();
        Assert.Equal(["backup create", "backup verify latest"], commands);

        var database = Single(manifests, "postgresql", "o4o-db");
        Assert.True(database.GetProperty("spec").GetProperty("patroni").GetProperty("synchronous_mode").GetBoolean());
        Assert.Single(manifests, m => Kind(m) == "Deployment" && Name(m) == "o4o-conductor");
    }

    [Fact]
    public async Task No_secret_is_written_in_a_manifest()
    {
        var manifests = await ManifestsAsync();

        Assert.DoesNotContain(manifests, m => Kind(m) == "Secret");
        var env = manifests.SelectMany(m => Descendants(m, "env")).SelectMany(e => e.EnumerateArray()).ToList();
        Assert.NotEmpty(env);
        foreach (var variable in env)
        {
            var name = variable.GetProperty("name").GetString()!;
            if (variable.TryGetProperty("value", out var value))
            {
                // A connection string may name its password only as a reference to a variable taken from a Secret.
                Assert.DoesNotMatch(SecretName(), name);
                Assert.DoesNotMatch(@"(?i)password=(?!\$\([A-Z_]+\))", value.GetString()!);
            }
            else
            {
                Assert.True(variable.GetProperty("valueFrom").TryGetProperty("secretKeyRef", out _), name);
            }
        }
    }

    [Fact]
    public async Task Kustomize_names_every_manifest()
    {
        var kustomization = await File.ReadAllTextAsync(Path.Combine(_manifests, "kustomization.yaml"));
        var listed = Regex.Matches(kustomization, @"^\s+- (\S+\.yaml)$", RegexOptions.Multiline).Select(m => m.Groups[1].Value).Order();

        Assert.Equal(Directory.GetFiles(_manifests, "*.yaml").Select(Path.GetFileName).Where(f => f != "kustomization.yaml").Order(), listed);
    }

    [GeneratedRegex("(?i)password|secret|signingkey|token")]
    private static partial Regex SecretName();

    private static string? Kind(JsonElement manifest) => manifest.GetProperty("kind").GetString();

    private static string? Name(JsonElement manifest) => manifest.GetProperty("metadata").GetProperty("name").GetString();

    private static JsonElement Single(List<JsonElement> manifests, string kind, string name) =>
        Assert.Single(manifests, m => Kind(m) == kind && Name(m) == name);

    private static IEnumerable<JsonElement> Descendants(JsonElement element, string property) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().SelectMany(p => p.Name == property ? [p.Value] : Descendants(p.Value, property)),
        JsonValueKind.Array => element.EnumerateArray().SelectMany(e => Descendants(e, property)),
        _ => [],
    };

    private static async Task<List<JsonElement>> ManifestsAsync()
    {
        var (exit, output, errors) = await ValidateAsync(_manifests, "--json");
        Assert.True(exit == 0, errors);
        return [.. JsonDocument.Parse(output).RootElement.EnumerateArray().Select(e => e.GetProperty("manifest").Clone())];
    }

    private static async Task<(int Exit, string Output, string Errors)> ValidateAsync(string directory, params string[] options)
    {
        var validator = Path.Combine(O4OProcess.RepositoryRoot(), "tests", "kubernetes");
        Assert.True(Directory.Exists(Path.Combine(validator, "node_modules")), $"The validator's packages are not installed: run ./test, or npm ci in {validator}.");
        var start = new ProcessStartInfo("node", [Path.Combine(validator, "validate.mjs"), .. options, directory])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var node = Process.Start(start)!;
        var output = node.StandardOutput.ReadToEndAsync();
        var errors = node.StandardError.ReadToEndAsync();
        await node.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
        return (node.ExitCode, await output, await errors);
    }
}
