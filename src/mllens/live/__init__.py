"""Evidence from a live cloud account: readers map what the account runs into the same
resource model the files map into, and the same judgements judge it (`file` = the
resource's ARN or id, no line). One reader per cloud, named in `base.READERS`."""
