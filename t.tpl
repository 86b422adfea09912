{{ devvault://app/prod/B }}
