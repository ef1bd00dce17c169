using Airlock.Tests.Integration.Infrastructure;
using Xunit;

namespace Airlock.Tests.Integration;

/// <summary>
/// Statements in IAM's vocabulary decide the calls real SDKs send, as IAM would: boto3 through Airlock against moto,
/// with the test policy's statements written as IAM names them (s3:ListBucket, s3:GetObject, dynamodb:PutItem).
/// </summary>
[Collection(AirlockCollection.Name)]
public sealed class IamVocabularyTests(AirlockEnvironment env)
{
    [Fact]
    public async Task DenyingS3ListBucket_RefusesEveryListingOperation_AndTheRecordNamesWhatRan()
    {
        var sealedBucket = AirlockEnvironment.UniqueName("sealed");
        var open = AirlockEnvironment.UniqueName("listable");
        foreach (var bucket in new[] { sealedBucket, open })
        {
            Assert.Equal(0, (await env.MotoAsync("s3api", "create-bucket", "--bucket", bucket)).ExitCode);
        }

        var agent = await env.NewSessionAsync(groups: ["agents"]);
        var result = await env.Boto3Async(agent, $$"""
            c = boto3.client('s3', config=botocore.config.Config(retries={'max_attempts': 1}))
            for bucket in ['{{sealedBucket}}', '{{open}}']:
                for name, call in [('v2', lambda: c.list_objects_v2(Bucket=bucket)), ('v1', lambda: c.list_objects(Bucket=bucket)),
                                   ('head', lambda: c.head_bucket(Bucket=bucket))]:
                    try:
                        call()
                        print(bucket, name, 'ok')
                    except botocore.exceptions.ClientError as e:
                        print(bucket, name, e.response['Error']['Code'])
            """);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"{sealedBucket} v2 AccessDenied", result.StdOut);
        Assert.Contains($"{sealedBucket} v1 AccessDenied", result.StdOut);
        Assert.Contains($"{sealedBucket} head 403", result.StdOut);
        Assert.Contains($"{open} v2 ok", result.StdOut);
        Assert.Contains($"{open} v1 ok", result.StdOut);
        Assert.Contains($"{open} head ok", result.StdOut);
        var denied = (await env.AuditAsync()).Single(e => e.AccessKeyId == agent.AccessKeyId && e.Operation == "ListObjectsV2" && e.Decision == "deny");
        Assert.Equal("s3:ListObjectsV2", denied.Action);
        Assert.Contains("s3:ListObjectsV2 (s3:ListBucket) is denied by policy statement SealedListings", denied.Reason);
    }

    [Fact]
    public async Task DenyingS3GetObject_RefusesHeadObject()
    {
        var bucket = AirlockEnvironment.UniqueName("heads");
        Assert.Equal(0, (await env.MotoAsync("s3api", "create-bucket", "--bucket", bucket)).ExitCode);
        var file = Path.Combine(env.WorkDir, bucket + ".txt");
        await File.WriteAllTextAsync(file, "content");
        foreach (var key in new[] { "protected/a.txt", "ok/a.txt" })
        {
            Assert.Equal(0, (await env.MotoAsync("s3api", "put-object", "--bucket", bucket, "--key", key, "--body", file)).ExitCode);
        }

        var agent = await env.NewSessionAsync(groups: ["agents"]);
        var result = await env.Boto3Async(agent, $$"""
            c = boto3.client('s3', config=botocore.config.Config(retries={'max_attempts': 1}))
            for key in ['protected/a.txt', 'ok/a.txt']:
                try:
                    print(key, c.head_object(Bucket='{{bucket}}', Key=key)['ContentLength'])
                except botocore.exceptions.ClientError as e:
                    print(key, e.response['Error']['Code'])
            """);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("protected/a.txt 403", result.StdOut);
        Assert.Contains("ok/a.txt 7", result.StdOut);
    }

    [Fact]
    public async Task LambdaInvoke_IsDecidedOnTheFunctionAsIamNamesIt_WhicheverFormTheNameTakes()
    {
        var power = await env.NewSessionAsync(groups: ["power"]);

        // PayrollStaysPut denies invoking payroll and its prod alias by their ARNs; every way of naming them is the same call.
        var result = await env.Boto3Async(power, """
            c = boto3.client('lambda', config=botocore.config.Config(retries={'max_attempts': 1}))
            for label, kwargs in [('partial', {'FunctionName': '123456789012:function:payroll'}),
                                  ('full', {'FunctionName': 'arn:aws:lambda:us-east-1:123456789012:function:payroll'}),
                                  ('alias', {'FunctionName': 'payroll:prod'}),
                                  ('qualifier', {'FunctionName': 'payroll', 'Qualifier': 'prod'}),
                                  ('beta', {'FunctionName': 'payroll', 'Qualifier': 'beta'})]:
                try:
                    c.invoke(**kwargs)
                    print(label, 'invoked')
                except botocore.exceptions.ClientError as e:
                    print(label, e.response['Error']['Code'])
            """);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("partial AccessDenied", result.StdOut);
        Assert.Contains("full AccessDenied", result.StdOut);
        Assert.Contains("alias AccessDenied", result.StdOut);
        Assert.Contains("qualifier AccessDenied", result.StdOut);
        // Another alias is not denied: the call goes on to moto (which has no such function).
        Assert.DoesNotContain("beta AccessDenied", result.StdOut);
        var invokes = (await env.AuditAsync()).Where(e => e.AccessKeyId == power.AccessKeyId && e.Operation == "Invoke").ToList();
        Assert.Equal(("deny", "arn:aws:lambda:us-east-1:123456789012:function:payroll"), (invokes[0].Decision, Assert.Single(invokes[0].Resources)));
        Assert.Equal(("allow", "arn:aws:lambda:us-east-1:123456789012:function:payroll:beta"), (invokes[^1].Decision, Assert.Single(invokes[^1].Resources)));
    }

    [Fact]
    public async Task SqsCalls_AreDecidedOnTheQueueOfTheAccountTheirUrlNames()
    {
        var queue = AirlockEnvironment.UniqueName("jobs");
        var created = await env.MotoAsync("sqs", "create-queue", "--queue-name", queue, "--query", "QueueUrl", "--output", "text");
        Assert.Equal(0, created.ExitCode);
        var own = created.StdOut.Trim();
        var others = own.Replace("/123456789012/", "/210987654321/", StringComparison.Ordinal);
        var power = await env.NewSessionAsync(groups: ["power"]);

        // NotOtherAccountsQueues denies sending to account 210987654321's queues, named by URL on any endpoint.
        var result = await env.Boto3Async(power, $$"""
            c = boto3.client('sqs', config=botocore.config.Config(retries={'max_attempts': 1}))
            for label, url in [('other', '{{others}}'), ('own', '{{own}}')]:
                try:
                    c.send_message(QueueUrl=url, MessageBody='hello')
                    print(label, 'sent')
                except botocore.exceptions.ClientError as e:
                    print(label, e.response['Error']['Code'])
            """);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(result.StdOut.Contains("other AccessDenied") && result.StdOut.Contains("own sent"), result.StdOut);
        var denied = (await env.AuditAsync()).First(e => e.AccessKeyId == power.AccessKeyId && e.Operation == "SendMessage");
        Assert.Equal(("deny", $"arn:aws:sqs:us-east-1:210987654321:{queue}"), (denied.Decision, Assert.Single(denied.Resources)));
    }

    [Fact]
    public async Task ASecretDeniedByItsArnAsAwsSuggests_IsDeniedWhenNamedByName()
    {
        var vault = AirlockEnvironment.UniqueName("vault");
        var created = await env.MotoAsync("secretsmanager", "create-secret", "--name", $"{vault}/root", "--secret-string", "hunter2", "--query", "ARN", "--output", "text");
        Assert.Equal(0, created.ExitCode);
        Assert.Equal(0, (await env.MotoAsync("secretsmanager", "create-secret", "--name", $"{vault}/app", "--secret-string", "app-pass")).ExitCode);
        var agent = await env.NewSessionAsync(groups: ["agents"]);

        // VaultStaysShut denies secret:vault-*/root-?????? (the six characters AWS appends); the agent names it three ways.
        var result = await env.Boto3Async(agent, $$"""
            c = boto3.client('secretsmanager', config=botocore.config.Config(retries={'max_attempts': 1}))
            for label, secret in [('name', '{{vault}}/root'), ('arn', '{{created.StdOut.Trim()}}'),
                                  ('partial', '{{created.StdOut.Trim()[..^7]}}'), ('other', '{{vault}}/app')]:
                try:
                    c.get_secret_value(SecretId=secret)
                    print(label, 'read')
                except botocore.exceptions.ClientError as e:
                    print(label, e.response['Error']['Code'])
            """);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(result.StdOut.Contains("name AccessDenied") && result.StdOut.Contains("arn AccessDenied") && result.StdOut.Contains("partial AccessDenied")
            && result.StdOut.Contains("other read"), result.StdOut);
        var denied = (await env.AuditAsync()).First(e => e.AccessKeyId == agent.AccessKeyId && e.Operation == "GetSecretValue");
        Assert.Equal(("deny", $"arn:aws:secretsmanager:us-east-1:123456789012:secret:{vault}/root-??????"), (denied.Decision, Assert.Single(denied.Resources)));
        await env.AssertNowhereInAirlockAsync("hunter2");
    }

    [Fact]
    public async Task ReadingLogsUnmasked_NeedsLogsUnmask()
    {
        var group = AirlockEnvironment.UniqueName("masked");
        Assert.Equal(0, (await env.MotoAsync("logs", "create-log-group", "--log-group-name", group)).ExitCode);
        Assert.Equal(0, (await env.MotoAsync("logs", "create-log-stream", "--log-group-name", group, "--log-stream-name", "s")).ExitCode);
        var power = await env.NewSessionAsync(groups: ["power"]);

        // Anyone may read logs of masked-* groups as their data protection policy masks them, never unmasked (LogsStayMasked).
        var result = await env.Boto3Async(power, $$"""
            c = boto3.client('logs', config=botocore.config.Config(retries={'max_attempts': 1}))
            for name, call in [('masked', lambda: c.get_log_events(logGroupName='{{group}}', logStreamName='s')),
                               ('unmasked', lambda: c.get_log_events(logGroupName='{{group}}', logStreamName='s', unmask=True)),
                               ('filtered', lambda: c.filter_log_events(logGroupName='{{group}}', unmask=True)),
                               ('query', lambda: c.start_query(logGroupName='{{group}}', startTime=0, endTime=1, queryString='fields unmask(@message)'))]:
                try:
                    call()
                    print(name, 'read')
                except botocore.exceptions.ClientError as e:
                    print(name, e.response['Error']['Code'], e.response['Error']['Message'])
            """);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("masked read", result.StdOut);
        Assert.Contains("unmasked AccessDenied", result.StdOut);
        Assert.Contains("logs:Unmask on the masked log data it asks to see", result.StdOut);
        Assert.Contains("LogsStayMasked", result.StdOut);
        Assert.Contains("filtered AccessDenied", result.StdOut);
        Assert.Contains("query AccessDenied", result.StdOut);
    }

    [Fact]
    public async Task PartiQlStatements_AreDecidedAsTheirVerbOnTheirTable()
    {
        var forbidden = AirlockEnvironment.UniqueName("forbidden-ql");
        Assert.Equal(0, (await env.MotoAsync("dynamodb", "create-table", "--table-name", forbidden, "--attribute-definitions", "AttributeName=k,AttributeType=S",
            "--key-schema", "AttributeName=k,KeyType=HASH", "--billing-mode", "PAY_PER_REQUEST")).ExitCode);
        Assert.Equal(0, (await env.MotoAsync("dynamodb", "put-item", "--table-name", forbidden, "--item", """{"k": {"S": "kept"}}""")).ExitCode);
        var agent = await env.NewSessionAsync(groups: ["agents"]);

        // The agent may use DynamoDB (AgentsWork) but not insert into or delete from forbidden-* tables (NoForbiddenWrites,
        // in IAM's words: dynamodb:PartiQLInsert, dynamodb:PartiQLDelete), however the statement is sent.
        var result = await env.Boto3Async(agent, $$"""
            c = boto3.client('dynamodb', config=botocore.config.Config(retries={'max_attempts': 1}))
            def attempt(name, call):
                try:
                    r = call()
                    print(name, 'ran', len(r.get('Items', r.get('Responses', []))))
                except botocore.exceptions.ClientError as e:
                    print(name, e.response['Error']['Code'], e.response['Error']['Message'])
            table = '"{{forbidden}}"'
            attempt('insert', lambda: c.execute_statement(Statement=f"INSERT INTO {table} VALUE {{'k': 'planted'}}"))
            attempt('delete', lambda: c.execute_statement(Statement=f"DELETE FROM {table} WHERE k = 'kept'"))
            attempt('batch', lambda: c.batch_execute_statement(Statements=[{'Statement': f"SELECT * FROM {table} WHERE k = 'kept'"},
                                                                          {'Statement': f"DELETE FROM {table} WHERE k = 'kept'"}]))
            attempt('transaction', lambda: c.execute_transaction(TransactStatements=[{'Statement': f"INSERT INTO {table} VALUE {{'k': 'tx'}}"}]))
            attempt('hidden', lambda: c.execute_statement(Statement=f"SELECT * FROM {table} -- DELETE"))
            attempt('select', lambda: c.execute_statement(Statement=f"SELECT * FROM {table} WHERE k = 'kept'"))
            """);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(result.StdOut.Contains("hidden UnknownOperationException"), result.StdOut);
        Assert.Contains("insert AccessDenied", result.StdOut);
        Assert.Contains("dynamodb:ExecuteStatement (dynamodb:PartiQLInsert) is denied by policy statement NoForbiddenWrites", result.StdOut);
        Assert.Contains("delete AccessDenied", result.StdOut);
        Assert.Contains("batch AccessDenied", result.StdOut);
        Assert.Contains("dynamodb:PartiQLDelete on its DELETE statements", result.StdOut);
        Assert.Contains("transaction AccessDenied", result.StdOut);
        Assert.Contains("comments are not read", result.StdOut);
        Assert.Contains("select ran 1", result.StdOut);
        var scan = await env.MotoAsync("dynamodb", "scan", "--table-name", forbidden, "--query", "Items[].k.S", "--output", "text");
        Assert.Equal("kept", scan.StdOut.Trim());
        var select = (await env.AuditAsync()).Last(e => e.AccessKeyId == agent.AccessKeyId && e.Operation == "ExecuteStatement");
        Assert.Equal(("allow", $"arn:aws:dynamodb:us-east-1:123456789012:table/{forbidden}"), (select.Decision, Assert.Single(select.Resources)));
    }

    [Fact]
    public async Task TransactWriteItems_PuttingIntoATableWherePutItemIsDenied_WritesNothing()
    {
        var forbidden = AirlockEnvironment.UniqueName("forbidden-tx");
        var allowed = AirlockEnvironment.UniqueName("tx");
        foreach (var table in new[] { forbidden, allowed })
        {
            Assert.Equal(0, (await env.MotoAsync("dynamodb", "create-table", "--table-name", table, "--attribute-definitions", "AttributeName=k,AttributeType=S",
                "--key-schema", "AttributeName=k,KeyType=HASH", "--billing-mode", "PAY_PER_REQUEST")).ExitCode);
        }

        var agent = await env.NewSessionAsync(groups: ["agents"]);
        var result = await env.Boto3Async(agent, $$"""
            c = boto3.client('dynamodb', config=botocore.config.Config(retries={'max_attempts': 1}))
            def put(table, key):
                return dict(Put=dict(TableName=table, Item=dict(k=dict(S=key))))
            try:
                c.transact_write_items(TransactItems=[put('{{allowed}}', 'a'), put('{{forbidden}}', 'b')])
                print('mixed written')
            except botocore.exceptions.ClientError as e:
                print('mixed', e.response['Error']['Code'], e.response['Error']['Message'])
            c.transact_write_items(TransactItems=[put('{{allowed}}', 'c')])
            print('allowed written')
            """);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("mixed AccessDeniedException", result.StdOut);
        Assert.Contains("dynamodb:PutItem on its Put items", result.StdOut);
        Assert.Contains("allowed written", result.StdOut);
        Assert.Contains("\"Count\": 0", (await env.MotoAsync("dynamodb", "scan", "--table-name", forbidden)).StdOut);
        var allowedItems = (await env.MotoAsync("dynamodb", "scan", "--table-name", allowed)).StdOut;
        Assert.Contains("\"Count\": 1", allowedItems);
        var denied = (await env.AuditAsync()).Single(e => e.AccessKeyId == agent.AccessKeyId && e.Decision == "deny");
        Assert.Equal("TransactWriteItems", denied.Operation);
        Assert.Contains(denied.Resources, r => r.EndsWith($":table/{forbidden}", StringComparison.Ordinal));
        Assert.Contains(denied.Resources, r => r.EndsWith($":table/{allowed}", StringComparison.Ordinal));
    }
}
