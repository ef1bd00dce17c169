using Airlock.Hosting;
using Airlock.Tests.Integration.Infrastructure;
using k8s;
using k8s.Models;
using Xunit;

namespace Airlock.Tests.Unit.Deploy;

/// <summary>
/// The Kubernetes manifests as <c>kubectl kustomize</c> renders them (no cluster runs here), every document loaded with
/// the API's typed models, and checked against what Airlock really serves and reads: the configuration loads and
/// validates, probe paths and ports are the admin listener's, every variable the pod sets is one Airlock reads and every
/// one the configuration names is set, key files are where the configuration looks, and the user is the image's.
/// </summary>
public sealed class KubernetesManifestTests
{
    private static readonly string Kubernetes = Path.Combine(Repository.Root, "deploy", "kubernetes");

    private static async Task<IReadOnlyList<object>> RenderAsync(string directory)
    {
        var rendered = await ProcessRunner.RunAsync("kubectl", ["kustomize", directory], new Dictionary<string, string?>());
        Assert.True(rendered.ExitCode == 0, rendered.ToString());
        return KubernetesYaml.LoadAllFromString(rendered.StdOut);
    }

    [Theory]
    [InlineData("staging", 2)]
    [InlineData("production", 3)]
    public async Task TheRenderedManifests_ServeWhatAirlockServes_AndSetWhatItReads(string overlay, int replicas)
    {
        var documents = await RenderAsync(Path.Combine(Kubernetes, "overlays", overlay));
        var deployment = documents.OfType<V1Deployment>().Single();
        var configMap = documents.OfType<V1ConfigMap>().Single();
        var service = documents.OfType<V1Service>().Single();
        var pod = deployment.Spec.Template;
        var container = pod.Spec.Containers.Single();

        // The configuration Airlock would load from the ConfigMap: valid, and naming the ports the pod exposes.
        var configDirectory = Directory.CreateTempSubdirectory("airlock-k8s-").FullName;
        var configFile = Path.Combine(configDirectory, "airlock.yaml");
        await File.WriteAllTextAsync(configFile, configMap.Data["airlock.yaml"]);
        var (options, _, policy, errors) = ConfigLoader.LoadWithPolicy(configFile);
        var set = container.Env.Select(e => e.Name).ToHashSet();
        // Variables the pod sets from its Secret are not set in this test's process: only their absence may be named.
        AirlockSettings.AssertOnlyUnsetVariables(errors, set);
        Assert.NotNull(policy);
        int Port(string name) => container.Ports.Single(p => p.Name == name).ContainerPort;
        Assert.Equal(options.Admin.Port, Port("admin"));
        Assert.Contains(options.ListenUrls, u => new Uri(u).Port == Port("api"));
        Assert.All(options.ListenUrls.Append(options.Admin.Listen!), u => Assert.Equal("0.0.0.0", new Uri(u).Host));
        Assert.Equal("api", service.Spec.Ports.Single().TargetPort.Value);

        Assert.Equal("/healthz", container.LivenessProbe.HttpGet.Path);
        Assert.Equal("/readyz", container.ReadinessProbe.HttpGet.Path);
        Assert.All(new[] { container.LivenessProbe, container.ReadinessProbe, container.StartupProbe }, p => Assert.Equal("admin", p.HttpGet.Port.Value));
        Assert.NotNull(container.Lifecycle.PreStop.Exec);
        // The pause before SIGTERM plus Airlock's 30 s for in-flight calls fit in the grace period.
        Assert.True(pod.Spec.TerminationGracePeriodSeconds >= 35 + 5);

        // The image's command, its user, and the configuration where that command reads it.
        Assert.Equal(DockerfileSteps.Command, container.Args);
        Assert.Null(container.Command);
        Assert.Equal(DockerfileSteps.User, pod.Spec.SecurityContext.RunAsUser);
        Assert.True(pod.Spec.SecurityContext.RunAsNonRoot);
        var configPath = container.Args[container.Args.IndexOf("--config") + 1];
        var configMount = container.VolumeMounts.Single(m => m.MountPath == Path.GetDirectoryName(configPath));
        Assert.Equal(configMap.Metadata.Name, pod.Spec.Volumes.Single(v => v.Name == configMount.Name).ConfigMap.Name);
        Assert.StartsWith("airlock-config-", configMap.Metadata.Name);

        // Key files: where the configuration looks for them, from the Secret.
        var keys = container.VolumeMounts.Single(m => m.Name == "keys");
        var secretItems = pod.Spec.Volumes.Single(v => v.Name == "keys").Secret.Items.Select(i => Path.Combine(keys.MountPath, i.Path)).ToList();
        Assert.Contains(options.Audit.SigningKeyFile, secretItems);
        Assert.Contains(options.Masking.HashKeyFile, secretItems);
        Assert.Equal(Path.GetDirectoryName(options.Store.Path), container.VolumeMounts.Single(m => m.Name == "data").MountPath);

        // Every variable set is one Airlock reads (an AIRLOCK_ override of a real setting, or one the configuration
        // names), and every one the configuration names is set.
        var named = AirlockSettings.NamedBy(options);
        Assert.Subset(set, named.ToHashSet());
        Assert.All(set.Except(named), name => Assert.True(AirlockSettings.IsOverride(name), $"{name} is not a variable Airlock reads"));
        Assert.Contains("AIRLOCK_Store__Postgresql", set);
        Assert.All(container.Env, e => Assert.Equal("airlock-secrets", e.ValueFrom.SecretKeyRef.Name));

        // Two or more replicas, kept apart, kept available, scaled, and fenced.
        Assert.Equal(replicas, deployment.Spec.Replicas);
        Assert.NotNull(pod.Spec.Affinity.PodAntiAffinity);
        var labels = pod.Metadata.Labels;
        bool Selects(IDictionary<string, string> selector) => selector.All(kv => labels.TryGetValue(kv.Key, out var v) && v == kv.Value);
        Assert.True(Selects(deployment.Spec.Selector.MatchLabels));
        Assert.True(Selects(service.Spec.Selector));
        var budget = documents.OfType<V1PodDisruptionBudget>().Single();
        Assert.True(Selects(budget.Spec.Selector.MatchLabels));
        Assert.True(int.Parse(budget.Spec.MinAvailable.Value, System.Globalization.CultureInfo.InvariantCulture) < replicas);
        var scaler = documents.OfType<V2HorizontalPodAutoscaler>().Single();
        Assert.Equal((deployment.Kind, deployment.Metadata.Name), (scaler.Spec.ScaleTargetRef.Kind, scaler.Spec.ScaleTargetRef.Name));
        Assert.True(scaler.Spec.MinReplicas >= 2);
        var fence = documents.OfType<V1NetworkPolicy>().Single();
        Assert.True(Selects(fence.Spec.PodSelector.MatchLabels));
        Assert.Contains(fence.Spec.Ingress, rule => rule.FromProperty is null && rule.Ports.Any(p => p.Port.Value == "api"));
        Assert.All(documents.OfType<IKubernetesObject<V1ObjectMeta>>(), d => Assert.Equal(overlay == "production" ? "airlock" : "airlock-staging", d.Metadata.NamespaceProperty));
    }

    [Fact]
    public async Task AChangedConfiguration_ChangesThePodTemplate_SoThePodsRoll()
    {
        var copy = Directory.CreateTempSubdirectory("airlock-k8s-base-").FullName;
        foreach (var file in Directory.GetFiles(Path.Combine(Kubernetes, "base")))
        {
            File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        }

        string ConfigName(IReadOnlyList<object> documents) =>
            documents.OfType<V1Deployment>().Single().Spec.Template.Spec.Volumes.Single(v => v.Name == "config").ConfigMap.Name;
        var before = ConfigName(await RenderAsync(copy));
        await File.AppendAllTextAsync(Path.Combine(copy, "airlock.yaml"), "sessions:\n  maxDurationSeconds: 1800\n");
        var after = ConfigName(await RenderAsync(copy));

        Assert.NotEqual(before, after);
        Assert.StartsWith("airlock-config-", after);
    }
}
