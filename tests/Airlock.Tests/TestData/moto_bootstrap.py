"""Creates the upstream IAM user Airlock signs with, in a moto server that checks signatures.

moto lets the first INITIAL_NO_AUTH_ACTION_COUNT calls through unsigned-for-real; these three
calls use them, and from then on moto accepts only requests signed with the key printed here.
"""
import json
import sys

import boto3

endpoint = sys.argv[1]
iam = boto3.client("iam", endpoint_url=endpoint, region_name="us-east-1",
                   aws_access_key_id="bootstrap", aws_secret_access_key="bootstrap")
iam.create_user(UserName="airlock-upstream")
key = iam.create_access_key(UserName="airlock-upstream")["AccessKey"]
iam.put_user_policy(UserName="airlock-upstream", PolicyName="all",
                    PolicyDocument=json.dumps({"Version": "2012-10-17",
                                               "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
# From here on, signed with the new key: the role that assume_role connections assume.
signed = boto3.client("iam", endpoint_url=endpoint, region_name="us-east-1",
                      aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"])
trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}]}
role = signed.create_role(RoleName="airlock-agents", AssumeRolePolicyDocument=json.dumps(trust))["Role"]
signed.put_role_policy(RoleName="airlock-agents", PolicyName="all",
                       PolicyDocument=json.dumps({"Version": "2012-10-17",
                                                  "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
print(json.dumps({"AccessKeyId": key["AccessKeyId"], "SecretAccessKey": key["SecretAccessKey"], "RoleArn": role["Arn"]}))
