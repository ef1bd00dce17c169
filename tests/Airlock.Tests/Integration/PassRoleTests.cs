using Airlock.Tests.Integration.Infrastructure;
using Xunit;

namespace Airlock.Tests.Integration;

/// <summary>
/// A role handed to a service needs iam:PassRole on it wherever the call carries it: at the top of the body or nested
/// in it (an EventBridge target's RoleArn). With boto3, through Airlock, against moto.
/// </summary>
[Collection(AirlockCollection.Name)]
public sealed class PassRoleTests(AirlockEnvironment env)
{
    [Fact]
    public async Task PutTargets_HandingADeniedRoleInATarget_IsRefused_AndNothingIsAdded()
    {
        var rule = AirlockEnvironment.UniqueName("rule");
        var agent = await env.NewSessionAsync(groups: ["power"]);

        // PowerAgents may do anything; NoAdminRoles denies passing roles named admin-*.
        var result = await env.Boto3Async(agent, $$"""
            c = boto3.client('events', config=botocore.config.Config(retries={'max_attempts': 1}))
            c.put_rule(Name='{{rule}}', ScheduleExpression='rate(1 hour)')
            queue = 'arn:aws:sqs:us-east-1:123456789012:jobs'
            for name, role in [('admin', 'arn:aws:iam::123456789012:role/admin-everything'), ('worker', 'arn:aws:iam::123456789012:role/worker')]:
                try:
                    c.put_targets(Rule='{{rule}}', Targets=[{'Id': name, 'Arn': queue, 'RoleArn': role}])
                    print(name, 'added')
                except botocore.exceptions.ClientError as e:
                    print(name, e.response['Error']['Code'], e.response['Error']['Message'])
            print('targets', sorted(t['Id'] for t in c.list_targets_by_rule(Rule='{{rule}}')['Targets']))
            """);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("admin AccessDeniedException", result.StdOut);
        Assert.Contains("iam:PassRole on the roles in Targets.1.RoleArn", result.StdOut);
        Assert.Contains("NoAdminRoles", result.StdOut);
        Assert.Contains("worker added", result.StdOut);
        Assert.Contains("targets ['worker']", result.StdOut);
        var denied = (await env.AuditAsync()).First(e => e.AccessKeyId == agent.AccessKeyId && e.Operation == "PutTargets" && e.Decision == "deny");
        Assert.Contains("arn:aws:iam::123456789012:role/admin-everything", denied.Resources);
    }
}
